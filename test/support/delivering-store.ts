import type { Wired } from '#deps';
import { startDeliveryLoop } from '#local/delivery-loop.ts';
import { useEmbeddedStore } from './embedded-store.ts';
import { startWebhookReceiver } from './webhook-receiver.ts';

/**
 * The embedded store with the local delivery loop running on it and a webhook receiver to deliver to,
 * on a fast schedule (retries after 0 and 0.2 s, a sweep every 0.1 s): for the tests that watch events
 * reach the webhook. `stopDelivery` stops the loop and the receiver; `close` also removes the store.
 */
export async function useDeliveringStore(): Promise<{
  deps: Wired;
  receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  stopDelivery: () => Promise<void>;
  close: () => Promise<void>;
}> {
  process.env.DELIVERY_SCHEDULE_SECONDS = '0,0.2';
  process.env.DELIVERY_SWEEP_SECONDS = '0.1';
  const store = await useEmbeddedStore();
  const receiver = await startWebhookReceiver();
  const delivery = startDeliveryLoop(store.deps);
  let stopped: Promise<void> | undefined;
  // Once only: a file may stop delivery before its last tests and close the store after them.
  const stopDelivery = () => {
    stopped ??= delivery.stop().then(() => receiver.close());
    return stopped;
  };
  return {
    deps: store.deps,
    receiver,
    stopDelivery,
    close: async () => {
      await stopDelivery();
      await store.close();
    },
  };
}
