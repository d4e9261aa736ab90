import { afterAll, beforeAll, describe } from 'vitest';
import { automaticReplyCases } from '../cases/automatic-replies.cases.ts';
import { inProcessClient } from '../support/clients.ts';
import { useDeliveringStore } from '../support/delivering-store.ts';

let fixture: Awaited<ReturnType<typeof useDeliveringStore>>;

beforeAll(async () => {
  fixture = await useDeliveringStore();
});
afterAll(() => fixture.close());

describe('automatic replies, in-process against the handlers, delivered to a webhook', () => {
  automaticReplyCases(() => ({ client: inProcessClient, deps: fixture.deps, receiver: fixture.receiver }));
});
