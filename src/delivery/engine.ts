import { newLeaseOwner, takeLease } from '#delivery/lease.ts';
import { Pass } from '#delivery/pass.ts';
import { targetUrl } from '#delivery/targets.ts';
import type { DeliveryState, Head } from '#domain/outbox/ports.ts';
import type { Deps } from '#domain/shared/deps.ts';

/**
 * The delivery engine: one conversation at a time, under a lease kept on the conversation item (see
 * `#delivery/lease.ts`), in passes (`#delivery/pass.ts`) that walk forward from per-target cursors
 * that only move forward, so each pass reads only what follows the last settled event. Indexes only
 * find conversations (`#delivery/sweep.ts`); every decision rests on consistent reads.
 */

export interface DeliveryRun {
  /** How long this run may keep starting attempts for the conversation (ms). */
  budgetMs?: number;
  /** Arranges another run at `atMs`: a retry due before the next sweep goes out on time. */
  schedule?: (conversationId: string, atMs: number) => Promise<void> | void;
}

/** The default budget: one attempt's timeout, so a hanging webhook delays nothing else by more than that. */
export function defaultBudgetMs(deps: Deps): number {
  return deps.config.DELIVERY_TIMEOUT_MS + 2_000;
}

/** The sweep period in AWS (a schedule) or locally (a timer); retries due sooner are scheduled. */
const SWEEP_PERIOD_MS = 60_000;

/**
 * Delivers what is due in one conversation within a time budget. On letting go, the conversation's
 * head (its earliest due event, or the URL it waits for) is saved where the sweep finds it; a retry
 * due before the next sweep is scheduled. If a number was taken or another run asked meanwhile, the
 * lease is kept and the conversation looked at again.
 */
export async function deliverConversation(
  deps: Deps,
  conversationId: string,
  run: DeliveryRun = {},
): Promise<void> {
  const budgetMs = run.budgetMs ?? defaultBudgetMs(deps);
  // Wall-clock time, not `deps.now()`: the budget bounds real attempts, which an injected clock does not slow.
  const deadline = Date.now() + budgetMs;
  const owner = newLeaseOwner();
  // Every attempt starts before the deadline and ends within its timeout: the lease outlasts it.
  const leaseUntil = () =>
    new Date(deps.now().getTime() + budgetMs + deps.config.DELIVERY_LEASE_SECONDS * 1000);
  try {
    let state = await takeLease(deps, conversationId, owner, leaseUntil());
    while (state) {
      const pass = new Pass(deps, conversationId, state, deadline);
      const progress = (head: Head) => ({
        cursors: pass.cursors,
        redrivenDone: pass.redrivenDone,
        head,
        seenLastSeq: (state as DeliveryState).lastSeq,
        seenRedriveVersion: (state as DeliveryState).redriveVersion,
        failedEvents: [...pass.failed].sort((a, b) => a - b),
        at: deps.now().toISOString(),
      });
      try {
        await pass.run();
      } catch (error) {
        // Let go at once, due now: the stream's retry of the record (or the sweep) finds it free.
        await deps.store.leases.release(
          conversationId,
          owner,
          progress({ due: deps.now().toISOString() }),
          true,
        );
        throw error;
      }
      let head = pass.head();
      const outOfTime = Date.now() >= deadline;
      if (outOfTime && !head) head = { due: deps.now().toISOString() };
      if (await deps.store.leases.release(conversationId, owner, progress(head), outOfTime)) {
        await afterRelease(deps, conversationId, head, run);
        return;
      }
      const again = await deps.store.leases.acquire(conversationId, owner, deps.now(), leaseUntil());
      state = again === 'held' ? undefined : again;
    }
  } catch (error) {
    // Taking the lease may have landed although it answered an error, and letting go may have failed:
    // a run that throws keeps no lease, so the stream's retry of its record (or the sweep) finds it free.
    await deps.store.leases.abandon(conversationId, owner).catch(() => undefined);
    throw error;
  }
}

/** After letting go: a retry due before the next sweep, or a parked target whose URL arrived, runs again on time. */
async function afterRelease(deps: Deps, conversationId: string, head: Head, run: DeliveryRun) {
  if (head && 'waitingFor' in head) {
    // setWebhook may have saved the URL while this run parked; its look at the index can miss the park.
    const channel = await deps.store.directory.channels.get(head.waitingFor.channelId);
    if (targetUrl(channel, head.waitingFor.target)) await run.schedule?.(conversationId, Date.now());
    return;
  }
  if (head && 'due' in head) {
    const at = Date.parse(head.due);
    if (at - Date.now() < SWEEP_PERIOD_MS) await run.schedule?.(conversationId, at);
  }
}
