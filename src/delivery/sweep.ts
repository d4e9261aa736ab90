import { defaultBudgetMs, deliverConversation } from '#delivery/engine.ts';
import { targets, targetUrl } from '#delivery/targets.ts';
import { sendDueAutomaticReplies } from '#domain/conversations/send-automatic-replies.ts';
import { outboxShards } from '#domain/outbox/config.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { failureForLog, logger } from '#logger';

export interface SweepOptions {
  /** How one conversation is delivered; the local runtime passes its own, which never runs one twice at once. */
  deliver?: (conversationId: string) => Promise<void>;
  /** Epoch ms after which no new conversation is started (a Lambda's own time limit). */
  stopAt?: number;
}

/** How many conversations a sweep delivers side by side. */
const SWEEP_CONCURRENCY = 8;

/**
 * Writes the automatic replies that are due (see send-automatic-replies.ts: it reads the destinations,
 * the agents, and the waiting queues of destinations with a reply), then finds conversations with an event due now (one
 * query per shard of the index, never a scan) and the parked conversations of channels that have their
 * URL by now, and delivers them. Retries come due here; so does anything a trigger missed. What is left when time runs out stays for the next sweep.
 */
export async function sweepOutbox(
  deps: Deps,
  options: SweepOptions = {},
): Promise<{ conversations: number; due: number }> {
  const deliver = options.deliver ?? ((conversationId: string) => deliverConversation(deps, conversationId));
  // First, so that the automatic replies it writes are due in this very sweep; its failure stops no delivery.
  await sendDueAutomaticReplies(deps).catch((error: unknown) =>
    logger.error('automatic replies failed', { ...failureForLog(error) }),
  );
  const now = deps.now().toISOString();
  const channels = await deps.store.directory.channels.list();
  // A channel's parked conversations: all of them once the URL is there, else those whose other target is due.
  const [due, parked] = await Promise.all([
    Promise.all(outboxShards.map((shard) => deps.store.outbox.due(shard, now))),
    Promise.all(
      channels.flatMap((channel) =>
        targets.map((target) =>
          targetUrl(channel, target)
            ? deps.store.outbox.waiting(channel.channelId, target)
            : deps.store.outbox.waiting(channel.channelId, target, now),
        ),
      ),
    ),
  ]);
  const conversationIds = [...new Set([...due.flat(), ...parked.flat()])];
  let started = 0;
  await eachLimited(conversationIds, SWEEP_CONCURRENCY, async (conversationId) => {
    if (options.stopAt !== undefined && Date.now() + defaultBudgetMs(deps) > options.stopAt) return;
    started++;
    try {
      await deliver(conversationId);
    } catch (error) {
      logger.error('delivery failed', { conversationId, ...failureForLog(error) });
    }
  });
  return { conversations: started, due: conversationIds.length };
}

/**
 * How many events are failed, for the sweep's metric and the alarm: read from counters, so the
 * sweep's cost does not grow with the failed events kept.
 */
export function failedEventCount(deps: Deps): Promise<number> {
  return deps.store.outbox.failedCount();
}

/** Runs `work` over items, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const workers = Array.from({ length: Math.min(limit, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  });
  await Promise.all(workers);
}
