import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { postEvent } from '#delivery/send.ts';
import { standardWebhookHeaders } from '#delivery/signature.ts';
import type { Deps } from '#domain/deps.ts';
import type { Channel, Delivery, DeliveryTarget, TranscriptEntry } from '#domain/model.ts';
import { type AttemptOutcome, afterAttempt, dueNow, waitForUrl } from '#domain/outbox.ts';
import { logger } from '#logger';
import { channelsStore } from '#store/config-records.ts';
import { acquireLease, releaseLease } from '#store/lease.ts';
import { listByState, listPendingEntries, saveDelivery } from '#store/transcript.ts';

/** A lease holder: one per delivery run, so two runs in one process exclude each other too. */
function newLeaseOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID()}`;
}

/** Where a target's events go, if it has an address yet. */
function targetUrl(channel: Channel | undefined, target: DeliveryTarget): string | undefined {
  return target === 'dialogstudio' ? channel?.webhookUrl : channel?.agentPlatformUrl;
}

async function attempt(
  deps: Deps,
  channel: Channel,
  entry: TranscriptEntry,
  url: string,
): Promise<AttemptOutcome> {
  const delivery = entry.delivery as Delivery;
  const body = JSON.stringify(delivery.payload);
  const headers =
    delivery.target === 'platform' && channel.agentPlatformSecret
      ? standardWebhookHeaders(channel.agentPlatformSecret, entry.id, deps.now(), body)
      : {};
  return postEvent(url, body, headers, {
    timeoutMs: deps.config.DELIVERY_TIMEOUT_MS,
    policy: {
      allowPrivate: deps.config.ALLOW_PRIVATE_WEBHOOKS,
      allowedHosts: deps.config.WEBHOOK_ALLOWED_HOSTS,
    },
  });
}

function isDue(delivery: Delivery, now: Date): boolean {
  return !delivery.waitingForUrl && Date.parse(delivery.nextAttemptAt ?? '') <= now.getTime();
}

/**
 * One pass over a conversation's pending events, oldest first, per target: an event is tried only
 * when every earlier event for the same target is delivered or failed, so N+1 never overtakes N.
 * Returns false if the lease was lost on the way.
 */
async function deliverPending(
  deps: Deps,
  conversationId: string,
  lease: { owner: string; until: number },
): Promise<boolean> {
  const entries = await listPendingEntries(deps.db, conversationId);
  if (entries.length === 0) return true;
  const channel = await channelsStore.get(deps.db, entries[0]?.channelId ?? '');
  const blocked = new Set<DeliveryTarget>();
  let parked = 0;
  for (const entry of entries) {
    const delivery = entry.delivery as Delivery;
    const url = targetUrl(channel, delivery.target);
    if (!url) {
      if (!delivery.waitingForUrl && (await saveDelivery(deps.db, entry, delivery, waitForUrl(delivery))))
        parked++;
      continue;
    }
    if (blocked.has(delivery.target)) continue;
    if (!isDue(delivery, deps.now())) {
      blocked.add(delivery.target);
      continue;
    }
    const margin = deps.config.DELIVERY_TIMEOUT_MS + 5_000;
    if (deps.now().getTime() + margin > lease.until) {
      const until = new Date(deps.now().getTime() + deps.config.DELIVERY_LEASE_SECONDS * 1000 + margin);
      if (!(await acquireLease(deps.db, conversationId, lease.owner, deps.now(), until))) return false;
      lease.until = until.getTime();
    }
    const outcome = await attempt(deps, channel as Channel, entry, url);
    const next = afterAttempt(delivery, outcome, deps.now(), deps.config);
    const saved = await saveDelivery(deps.db, entry, delivery, next);
    logger.info('delivery attempt', {
      conversationId,
      eventId: entry.id,
      target: delivery.target,
      attempt: next.attempts,
      outcome: next.status,
      ...(outcome.kind !== 'delivered' && { error: outcome.error }),
    });
    if (!saved || next.status === 'pending') blocked.add(delivery.target);
  }
  if (parked > 0) await unparkIfUrlArrived(deps, conversationId, entries[0]?.channelId ?? '');
  return true;
}

/** `setWebhook` may have landed while events were being parked: they must not wait for another one. */
async function unparkIfUrlArrived(deps: Deps, conversationId: string, channelId: string) {
  const channel = await channelsStore.get(deps.db, channelId);
  for (const entry of await listPendingEntries(deps.db, conversationId)) {
    const delivery = entry.delivery as Delivery;
    if (delivery.waitingForUrl && targetUrl(channel, delivery.target)) {
      await saveDelivery(deps.db, entry, delivery, dueNow(delivery, deps.now()));
    }
  }
}

async function hasDueEvents(deps: Deps, conversationId: string): Promise<boolean> {
  const now = deps.now();
  return (await listPendingEntries(deps.db, conversationId)).some((entry) =>
    isDue(entry.delivery as Delivery, now),
  );
}

/**
 * Delivers what is due in one conversation, holding its lease so that only one deliverer works on
 * it at a time. Another holder means nothing to do here: it looks again after letting go, so an
 * event written meanwhile is not stranded (and the sweep would find it anyway).
 */
export async function deliverConversation(deps: Deps, conversationId: string): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const owner = newLeaseOwner();
    const now = deps.now();
    const until = new Date(now.getTime() + deps.config.DELIVERY_LEASE_SECONDS * 1000);
    if (!(await acquireLease(deps.db, conversationId, owner, now, until))) return;
    try {
      if (!(await deliverPending(deps, conversationId, { owner, until: until.getTime() }))) return;
    } finally {
      await releaseLease(deps.db, conversationId, owner);
    }
    if (!(await hasDueEvents(deps, conversationId))) return;
  }
}

/** Runs `work` over items, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const workers = Array.from({ length: Math.min(limit, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  });
  await Promise.all(workers);
}

export interface SweepOptions {
  /** How one conversation is delivered; the local runtime passes its own, which never runs one twice at once. */
  deliver?: (conversationId: string) => Promise<void>;
  /** Epoch ms after which no new conversation is started (a Lambda's own time limit). */
  stopAt?: number;
}

/**
 * Finds every conversation with an event due now through the byState index (one partition, never a
 * scan) and delivers them. Retries come due here; so does anything a trigger missed. What is left
 * when time runs out stays due for the next sweep.
 */
export async function sweepOutbox(
  deps: Deps,
  options: SweepOptions = {},
): Promise<{ conversations: number }> {
  const deliver = options.deliver ?? ((conversationId: string) => deliverConversation(deps, conversationId));
  const due = await listByState(deps.db, 'PENDING', deps.now().toISOString());
  const conversationIds = [...new Set(due.map((ref) => ref.conversationId))];
  let started = 0;
  await eachLimited(conversationIds, 8, async (conversationId) => {
    if (options.stopAt !== undefined && Date.now() + deps.config.DELIVERY_TIMEOUT_MS > options.stopAt) return;
    started++;
    try {
      await deliver(conversationId);
    } catch (error) {
      logger.error('delivery failed', { conversationId, error: error as Error });
    }
  });
  return { conversations: started };
}

/** How much is in the outbox: the sweep publishes these as metrics, alarms watch `failed`. */
export async function outboxDepth(deps: Deps): Promise<{ pending: number; failed: number }> {
  const [pending, failed] = await Promise.all([
    listByState(deps.db, 'PENDING'),
    listByState(deps.db, 'FAILED'),
  ]);
  return { pending: pending.length, failed: failed.length };
}
