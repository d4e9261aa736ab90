import { afterAll, beforeAll, describe } from 'vitest';
import { retryCases } from '../cases/retry.cases.ts';
import { inProcessClient } from '../support/clients.ts';
import { useDeliveringStore } from '../support/delivering-store.ts';

let fixture: Awaited<ReturnType<typeof useDeliveringStore>>;

beforeAll(async () => {
  fixture = await useDeliveringStore();
});
afterAll(() => fixture.close());

describe('retry route, in-process against the handlers', () => {
  retryCases(() => ({ client: inProcessClient, deps: fixture.deps, receiver: fixture.receiver }));
});
