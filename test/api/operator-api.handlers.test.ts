import { afterAll, beforeAll, describe } from 'vitest';
import type { Wired } from '#deps';
import { operatorApiCases } from '../cases/operator-api.cases.ts';
import { inProcessClient } from '../support/clients.ts';
import { useEmbeddedStore } from '../support/embedded-store.ts';

let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let deps: Wired;

beforeAll(async () => {
  store = await useEmbeddedStore();
  deps = store.deps;
});
afterAll(() => store.close());

describe('Operator API handlers, in-process against dynalite', () => {
  operatorApiCases(() => ({ client: inProcessClient, deps }));
});
