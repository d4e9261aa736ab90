import { afterAll, beforeAll, describe } from 'vitest';
import type { Wired } from '#deps';
import { startDeliveryLoop } from '#local/delivery-loop.ts';
import { retryCases } from './cases/retry.cases.ts';
import { inProcessClient } from './support/clients.ts';
import { useEmbeddedStore } from './support/embedded-store.ts';
import { startWebhookReceiver } from './support/webhook-receiver.ts';

let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let deps: Wired;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let delivery: ReturnType<typeof startDeliveryLoop>;

beforeAll(async () => {
  process.env.DELIVERY_SCHEDULE_SECONDS = '0,0.2';
  process.env.DELIVERY_SWEEP_SECONDS = '0.1';
  store = await useEmbeddedStore();
  deps = store.deps;
  receiver = await startWebhookReceiver();
  delivery = startDeliveryLoop(deps);
});
afterAll(async () => {
  await delivery.stop();
  await receiver.close();
  await store.close();
});

describe('retry route, in-process against the handlers', () => {
  retryCases(() => ({ client: inProcessClient, deps, receiver }));
});
