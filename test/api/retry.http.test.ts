import { afterAll, beforeAll, describe } from 'vitest';
import { startLocalStack } from '#local/stack.ts';
import { retryCases } from '../cases/retry.cases.ts';
import { type Client, httpClient, root } from '../support/clients.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';

let stack: Awaited<ReturnType<typeof startLocalStack>>;
let client: Client;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  process.env.TABLE_NAME = 'operator-bridge-retry-http-test';
  process.env.DELIVERY_SCHEDULE_SECONDS = '0,0.2';
  process.env.DELIVERY_SWEEP_SECONDS = '0.1';
  stack = await startLocalStack({ port: 0, host: '127.0.0.1', root });
  client = httpClient(stack.baseUrl);
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await stack.close();
  await receiver.close();
});

describe('retry route over HTTP against the local runtime', () => {
  retryCases(() => ({ client, deps: stack.deps, receiver }));
});
