import type { TranscriptEntry } from '#domain/conversations/model.ts';
import { redriven } from '#domain/outbox/delivery.ts';
import type { Delivery } from '#domain/outbox/model.ts';
import type { DeliveryState } from '#domain/outbox/ports.ts';
import type { Deps } from '#domain/shared/deps.ts';

/**
 * The redrive set: failed events put back in line (the retry route, the CLI) sit behind the target's
 * cursor and go out first, in order, each holding its target. The redrive left each one `failed`; the
 * pass makes it pending again, under the lease.
 */

/**
 * Whether a redriven event must stay where it is: its conversation is closed and the target's cursor
 * has passed the `Closed`, so nothing but the `Closed` itself goes out again.
 */
export function afterClosed(
  deps: Deps,
  state: DeliveryState,
  cursor: number,
  entry: TranscriptEntry,
): boolean {
  const delivery = entry.delivery as Delivery;
  const closedSettled = state.closed && cursor >= state.lastSeq;
  return closedSettled && !deps.platform.isClosed(delivery.payload);
}

/**
 * A redriven entry as pending, with a fresh retry window, and the failed counter one lower; undefined
 * when the entry changed under us (another run saved it first).
 */
export async function backInLine(deps: Deps, entry: TranscriptEntry): Promise<TranscriptEntry | undefined> {
  const delivery = entry.delivery as Delivery;
  if (delivery.status === 'pending') return entry;
  const pending = redriven(delivery, deps.now());
  if (!(await deps.store.transcript.saveDelivery(entry, delivery, pending))) return undefined;
  await deps.store.outbox.countFailed(-1, `${entry.id}#redriven#${delivery.failedAt}`);
  return { ...entry, delivery: pending };
}
