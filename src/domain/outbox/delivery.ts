import type { Delivery, DeliveryTarget } from '#domain/outbox/model.ts';
import type { Config } from '#domain/shared/config.ts';

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

export function newDelivery(target: DeliveryTarget, payload: Record<string, unknown>, at: string): Delivery {
  return { target, status: 'pending', payload, attempts: 0, createdAt: at, nextAttemptAt: at };
}
