import { postEvent } from '#delivery/send.ts';
import { standardWebhookHeaders } from '#delivery/signature.ts';
import { type TargetResult, targetUrl } from '#delivery/targets.ts';
import type { TranscriptEntry } from '#domain/conversations/model.ts';
import type { Channel } from '#domain/directory/model.ts';
import { webhookPolicy } from '#domain/directory/webhook-url.ts';
import { type AttemptOutcome, afterAttempt } from '#domain/outbox/delivery.ts';
import type { Delivery } from '#domain/outbox/model.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { logger } from '#logger';

/** Posts one event to its target's URL, signed with the channel's secret when it goes to the agent platform. */
async function post(
  deps: Deps,
  channel: Channel,
  entry: TranscriptEntry,
  url: string,
): Promise<AttemptOutcome> {
  const delivery = entry.delivery as Delivery;
  const body = JSON.stringify(delivery.payload);
  const secret =
    delivery.target === 'platform'
      ? await deps.store.directory.channelSecrets.platformSecret(channel)
      : undefined;
  const headers = secret ? standardWebhookHeaders(secret, entry.id, deps.now(), body) : {};
  return postEvent(url, body, headers, {
    timeoutMs: deps.config.DELIVERY_TIMEOUT_MS,
    policy: webhookPolicy(deps.config),
  });
}

/**
 * One attempt at a pending event, if it is due and there is time for it before `deadline` (epoch ms):
 * the channel is read first, never cached, so once `setWebhook` answers no attempt starts to the old
 * URL. The outcome is saved on the entry (a failed save leaves it due now, for the next pass), and an
 * event that ran out of tries is counted as failed. Answers what the attempt leaves on the target, and
 * whether the event became failed.
 */
export async function attemptDelivery(
  deps: Deps,
  conversationId: string,
  channelId: string,
  entry: TranscriptEntry,
  deadline: number,
): Promise<{ result: TargetResult; failed: boolean }> {
  const delivery = entry.delivery as Delivery;
  const now = deps.now();
  if (Date.parse(delivery.nextAttemptAt ?? '') > now.getTime()) {
    return { result: { due: delivery.nextAttemptAt as string }, failed: false };
  }
  // Wall-clock time, not `deps.now()`: the deadline is the run's own time budget, which an injected clock must not stretch.
  if (Date.now() + deps.config.DELIVERY_TIMEOUT_MS > deadline) {
    return { result: { due: now.toISOString() }, failed: false };
  }
  const channel = await deps.store.directory.channels.get(channelId);
  const url = targetUrl(channel, delivery.target);
  if (!channel || !url)
    return { result: { waitingFor: { channelId, target: delivery.target } }, failed: false };
  const outcome = await post(deps, channel, entry, url);
  const next = afterAttempt(delivery, outcome, deps.now(), deps.config);
  const saved = await deps.store.transcript.saveDelivery(entry, delivery, next);
  logger.info('delivery attempt', {
    conversationId,
    eventId: entry.id,
    target: delivery.target,
    attempt: next.attempts,
    outcome: next.status,
    ...(outcome.kind !== 'delivered' && { error: outcome.error }),
  });
  if (!saved) return { result: { due: deps.now().toISOString() }, failed: false };
  const failed = next.status === 'failed';
  if (failed) await deps.store.outbox.countFailed(1, `${entry.id}#failed#${next.failedAt}`);
  if (next.status === 'pending') return { result: { due: next.nextAttemptAt as string }, failed };
  return { result: 'settled', failed };
}
