import { deliverConversation } from '#delivery/engine.ts';
import { outboxSignals } from '#delivery/signals.ts';
import { sweepOutbox } from '#delivery/sweep.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { failureForLog, logger } from '#logger';

/**
 * The local runtime's stand-in for the stream and the schedule: delivers a conversation right
 * after each outbox write, and sweeps for due retries every DELIVERY_SWEEP_SECONDS. Pending events
 * live in the store, so after a crash the first sweep picks them up.
 */
export function startDeliveryLoop(deps: Deps) {
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  /** A retry due before the next sweep: a timer of this process stands in for AWS's delay queue. */
  const schedule = (conversationId: string, atMs: number) => {
    if (stopped) return;
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        void deliver(conversationId);
      },
      Math.max(0, atMs - Date.now()),
    );
    timer.unref();
    timers.add(timer);
  };

  function deliver(conversationId: string): Promise<void> {
    if (stopped) return Promise.resolve();
    const current = running.get(conversationId);
    if (current) {
      again.add(conversationId);
      return current;
    }
    const work = (async () => {
      do {
        again.delete(conversationId);
        try {
          await deliverConversation(deps, conversationId, { schedule });
        } catch (error) {
          logger.error('delivery failed', { conversationId, ...failureForLog(error) });
        }
      } while (again.has(conversationId));
      running.delete(conversationId);
    })();
    running.set(conversationId, work);
    return work;
  }

  const onWrite = (conversationId: string) => void deliver(conversationId);
  outboxSignals.on('conversation', onWrite);

  let sweeping: Promise<unknown> | undefined;
  const sweep = () => {
    sweeping ??= sweepOutbox(deps, { deliver })
      .catch((error) => logger.error('sweep failed', { ...failureForLog(error) }))
      .finally(() => {
        sweeping = undefined;
      });
  };
  const timer = setInterval(sweep, deps.config.DELIVERY_SWEEP_SECONDS * 1000);
  sweep();

  return {
    /** Stops listening and waits for deliveries in flight, so the store can close under nobody. */
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      for (const pending of timers) clearTimeout(pending);
      outboxSignals.off('conversation', onWrite);
      await sweeping;
      await Promise.all(running.values());
    },
  };
}
