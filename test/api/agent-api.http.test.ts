import { afterAll, beforeAll, describe } from 'vitest';
import { startLocalStack } from '#local/stack.ts';
import { agentApiCases } from '../cases/agent-api.cases.ts';
import { type Client, httpClient, root } from '../support/clients.ts';
import { testTableName } from '../support/embedded-store.ts';

let stack: Awaited<ReturnType<typeof startLocalStack>>;
let client: Client;

beforeAll(async () => {
  process.env.TABLE_NAME = testTableName('agent-http');
  stack = await startLocalStack({ port: 0, host: '127.0.0.1', root });
  client = httpClient(stack.baseUrl);
});
afterAll(() => stack.close());

describe('Agent API over HTTP against the local runtime', () => {
  agentApiCases(() => ({ client, deps: stack.deps }));
});
