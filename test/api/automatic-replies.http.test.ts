import { afterAll, beforeAll, describe } from 'vitest';
import { startLocalStack } from '#local/stack.ts';
import { automaticReplyCases } from '../cases/automatic-replies.cases.ts';
import { type Client, httpClient, root } from '../support/clients.ts';
import { testTableName } from '../support/embedded-store.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';

let stack: Awaited<ReturnType<typeof startLocalStack>>;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let client: Client;

beforeAll(async () => {
  process.env.TABLE_NAME = testTableName('replies-http');
  stack = await startLocalStack({ port: 0, host: '127.0.0.1', root });
  receiver = await startWebhookReceiver();
  client = httpClient(stack.baseUrl);
});
afterAll(async () => {
  await stack.close();
  await receiver.close();
});

describe('automatic replies over HTTP against the local runtime, delivered by its own loop', () => {
  automaticReplyCases(() => ({ client, deps: stack.deps, receiver }));
});
