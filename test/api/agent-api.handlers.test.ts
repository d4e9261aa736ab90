import { afterAll, beforeAll, describe } from 'vitest';
import type { Wired } from '#deps';
import { agentApiCases } from '../cases/agent-api.cases.ts';
import { inProcessClient } from '../support/clients.ts';
import { useEmbeddedStore } from '../support/embedded-store.ts';

let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let deps: Wired;

beforeAll(async () => {
  store = await useEmbeddedStore();
  deps = store.deps;
});
afterAll(() => store.close());

describe('Agent API handlers, in-process against the embedded store', () => {
  agentApiCases(() => ({ client: inProcessClient, deps }));
});
