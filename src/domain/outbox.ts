import type { Config } from '#config';
import type { Deps } from '#domain/deps.ts';
import { NotFoundError } from '#domain/errors.ts';
import type { Delivery, DeliveryTarget, TranscriptEntry } from '#domain/model.ts';
import { seqOfMessageId } from '#store/keys.ts';
import { getEntry, listByState, saveDelivery } from '#store/transcript.ts';

/** How one delivery attempt ended, as the retry rules need to know it. */
export type AttemptOutcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'retry'; error: string; status?: number; retryAfterSeconds?: number }
  | { kind: 'fail'; error: string; status?: number };

type RetryConfig = Pick<Config, 'DELIVERY_SCHEDULE_SECONDS' | 'DELIVERY_MAX_AGE_SECONDS'>;

/** Spreads retries of many events that failed together by ±20%, so they don't return as one wave. */
function withJitter(seconds: number, random: () => number): number {
  return seconds * (0.8 + 0.4 * random());
}

/**
 * The delivery state after an attempt. Retries follow the schedule (its last step repeats), never
 * sooner than a Retry-After asks, and end at the max age counted from the first attempt: the last
 * try lands on the deadline, and what fails then is kept as `failed` with its last error.
 */
export function afterAttempt(
  delivery: Delivery,
  outcome: AttemptOutcome,
  now: Date,
  config: RetryConfig,
  random: () => number = Math.random,
): Delivery {
  const at = now.toISOString();
  const firstAttemptAt = delivery.firstAttemptAt ?? at;
  const attempted: Delivery = {
    ...delivery,
    attempts: delivery.attempts + 1,
    firstAttemptAt,
    lastStatus: outcome.status,
    waitingForUrl: undefined,
  };
  if (outcome.kind === 'delivered') {
    return {
      ...attempted,
      status: 'delivered',
      deliveredAt: at,
      nextAttemptAt: undefined,
      lastError: undefined,
    };
  }
  const failed: Delivery = {
    ...attempted,
    status: 'failed',
    failedAt: at,
    nextAttemptAt: undefined,
    lastError: outcome.error,
  };
  const deadline = Date.parse(firstAttemptAt) + config.DELIVERY_MAX_AGE_SECONDS * 1000;
  if (outcome.kind === 'fail' || now.getTime() >= deadline) return failed;
  const schedule = config.DELIVERY_SCHEDULE_SECONDS;
  const step = schedule[Math.min(attempted.attempts, schedule.length - 1)] ?? 0;
  const delaySeconds = Math.max(withJitter(step, random), outcome.retryAfterSeconds ?? 0);
  const nextAttempt = Math.min(now.getTime() + delaySeconds * 1000, deadline);
  return { ...attempted, nextAttemptAt: new Date(nextAttempt).toISOString(), lastError: outcome.error };
}

/** The target has no URL yet: the event waits, out of the sweep's way, and spends no attempt. */
export function waitForUrl(delivery: Delivery): Delivery {
  return { ...delivery, waitingForUrl: true, nextAttemptAt: undefined };
}

export function dueNow(delivery: Delivery, now: Date): Delivery {
  return { ...delivery, waitingForUrl: undefined, nextAttemptAt: now.toISOString() };
}

/** A failed event back in line, with a fresh retry window. */
export function redriven(delivery: Delivery, now: Date): Delivery {
  return {
    ...delivery,
    status: 'pending',
    attempts: 0,
    firstAttemptAt: undefined,
    failedAt: undefined,
    nextAttemptAt: now.toISOString(),
  };
}

/**
 * Events that waited for a URL go out now: `setWebhook` calls this for DialogStudio's target. Each
 * write wakes the deliverer (the stream in AWS, a signal locally).
 */
export async function releaseWaitingEvents(deps: Deps, channelId: string, target: DeliveryTarget) {
  const waiting = await listByState(deps.db, `WAITING#${target}#${channelId}`);
  const woken = new Set<string>();
  for (const ref of waiting) {
    const entry = await getEntry(deps.db, ref.conversationId, ref.seq);
    const delivery = entry?.delivery;
    if (!entry || delivery?.status !== 'pending' || !delivery.waitingForUrl) continue;
    if (await saveDelivery(deps.db, entry, delivery, dueNow(delivery, deps.now()))) {
      woken.add(entry.conversationId);
    }
  }
  for (const conversationId of woken) deps.outboxWritten(conversationId);
  return woken.size;
}

export interface FailedEvent {
  id: string;
  conversationId: string;
  target: DeliveryTarget;
  type: string;
  attempts: number;
  lastError?: string;
  lastStatus?: number;
  failedAt?: string;
}

async function failedEntries(deps: Deps): Promise<TranscriptEntry[]> {
  const refs = await listByState(deps.db, 'FAILED');
  const entries = await Promise.all(refs.map((ref) => getEntry(deps.db, ref.conversationId, ref.seq)));
  return entries.filter((entry): entry is TranscriptEntry => entry?.delivery?.status === 'failed');
}

/** Every event that ran out of tries, oldest failure first. */
export async function listFailedEvents(deps: Deps): Promise<FailedEvent[]> {
  return (await failedEntries(deps)).map(({ id, conversationId, delivery }) => ({
    id,
    conversationId,
    target: (delivery as Delivery).target,
    type: String((delivery as Delivery).payload.type),
    attempts: (delivery as Delivery).attempts,
    lastError: delivery?.lastError,
    lastStatus: delivery?.lastStatus,
    failedAt: delivery?.failedAt,
  }));
}

/** Puts failed events back in line: the given ids, or all of them. Returns the ids redriven. */
export async function redriveFailedEvents(deps: Deps, ids?: string[]): Promise<string[]> {
  let entries: TranscriptEntry[];
  if (ids) {
    entries = await Promise.all(
      ids.map(async (id) => {
        const conversationId = id.slice(0, id.lastIndexOf('-'));
        const seq = seqOfMessageId(conversationId, id);
        const entry = seq === undefined ? undefined : await getEntry(deps.db, conversationId, seq);
        if (entry?.delivery?.status !== 'failed') {
          throw new NotFoundError('failed_event_not_found', `No failed event ${id}`);
        }
        return entry;
      }),
    );
  } else {
    entries = await failedEntries(deps);
  }
  const redrivenIds: string[] = [];
  for (const entry of entries) {
    const delivery = entry.delivery as Delivery;
    if (await saveDelivery(deps.db, entry, delivery, redriven(delivery, deps.now()))) {
      redrivenIds.push(entry.id);
      deps.outboxWritten(entry.conversationId);
    }
  }
  return redrivenIds;
}
