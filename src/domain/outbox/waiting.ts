import type { DeliveryTarget } from '#domain/outbox/model.ts';
import type { Deps } from '#domain/shared/deps.ts';

/**
 * Events that waited for a URL go out now: `setWebhook` and `channel set-platform` call this after
 * saving the URL. The index may not show a conversation parked a moment ago; the deliverer re-reads
 * the channel after parking and the sweep re-checks parked conversations of channels that have a URL,
 * so nothing waits past one sweep whatever the interleaving.
 */
export async function releaseWaitingEvents(
  deps: Deps,
  channelId: string,
  target: DeliveryTarget,
): Promise<number> {
  const now = deps.now().toISOString();
  // Parked on this target, or on the other one while this one waits too (or is due): they can go now.
  const other = target === 'dialogstudio' ? 'platform' : 'dialogstudio';
  const [own, beside] = await Promise.all([
    deps.store.outbox.waiting(channelId, target),
    deps.store.outbox.waiting(channelId, other, now),
  ]);
  const waiting = [...new Set([...own, ...beside])];
  for (const conversationId of waiting) {
    await deps.store.outbox.wake(conversationId, now);
    deps.outboxWritten(conversationId);
  }
  return waiting.length;
}
