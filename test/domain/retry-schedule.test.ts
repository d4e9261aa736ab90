import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AttemptOutcome, afterAttempt } from '#domain/outbox/delivery.ts';
import type { Delivery } from '#domain/outbox/model.ts';
import { loadConfig } from '#domain/shared/config.ts';

/**
 * The retry schedule as a pure function, over any run of attempts: PRODUCT.md section 2 (retried with
 * backoff and jitter for at least 24 hours, a final 4xx not retried, nothing lost silently). The step
 * by step cases are in test/delivery/outbox.test.ts; these are the laws every run keeps.
 */
const config = loadConfig({ TABLE_NAME: 'unused' });
const maxAgeMs = config.DELIVERY_MAX_AGE_SECONDS * 1000;
const start = new Date('2026-12-04T10:00:00.000Z');
const pending: Delivery = {
  target: 'dialogstudio',
  status: 'pending',
  payload: { id: 'cv_1-2' },
  attempts: 0,
  createdAt: start.toISOString(),
  nextAttemptAt: start.toISOString(),
};

const retryable = fc.record(
  {
    kind: fc.constant('retry' as const),
    error: fc.constantFrom('HTTP 503', 'HTTP 429', 'timeout after 10000 ms', 'ECONNRESET'),
    status: fc.constantFrom(408, 429, 500, 502, 503),
    retryAfterSeconds: fc.integer({ min: 0, max: 7200 }),
  },
  { requiredKeys: ['kind', 'error'] },
);
/** A run of retryable answers, each attempt made this many ms after it was due (a late sweep). */
const run = fc.array(
  fc.tuple(
    retryable,
    fc.integer({ min: 0, max: 600_000 }),
    fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  ),
  {
    minLength: 1,
    maxLength: 60,
  },
);

/** Plays the run: each attempt when it is due (plus its lateness), until the event settles or the run ends. */
function play(steps: [AttemptOutcome, number, number][]) {
  let delivery = pending;
  let now = start;
  const seen: { before: Delivery; after: Delivery; now: Date; outcome: AttemptOutcome }[] = [];
  for (const [outcome, lateMs, random] of steps) {
    if (delivery.status !== 'pending') break;
    now = new Date(Date.parse(delivery.nextAttemptAt ?? now.toISOString()) + lateMs);
    const after = afterAttempt(delivery, outcome, now, config, () => random);
    seen.push({ before: delivery, after, now, outcome });
    delivery = after;
  }
  return seen;
}

describe('retry schedule', () => {
  it('counts every attempt, keeps the body, and keeps the window from the first attempt', () => {
    fc.assert(
      fc.property(run, (steps) => {
        for (const { before, after } of play(steps)) {
          expect(after.attempts).toBe(before.attempts + 1);
          expect(after.payload).toBe(pending.payload);
          expect(after.firstAttemptAt).toBe(before.firstAttemptAt ?? after.firstAttemptAt);
        }
      }),
    );
  });

  it('gives up on a retryable failure only at the end of the window, and then keeps it as failed with its error', () => {
    fc.assert(
      fc.property(run, (steps) => {
        for (const { after, now, outcome } of play(steps)) {
          const windowEnd = Date.parse(after.firstAttemptAt ?? '') + maxAgeMs;
          if (after.status === 'failed') {
            expect(now.getTime()).toBeGreaterThanOrEqual(windowEnd);
            expect(after).toMatchObject({
              failedAt: now.toISOString(),
              lastError: (outcome as { error: string }).error,
            });
            expect(after.nextAttemptAt).toBeUndefined();
          } else {
            expect(after.status).toBe('pending');
            expect(now.getTime()).toBeLessThan(windowEnd);
          }
        }
      }),
    );
  });

  it('waits within ±20% of its step, never less than Retry-After asks, and never past the window', () => {
    fc.assert(
      fc.property(run, (steps) => {
        for (const { before, after, now, outcome } of play(steps)) {
          if (after.status !== 'pending') continue;
          const waitMs = Date.parse(after.nextAttemptAt ?? '') - now.getTime();
          const windowEnd = Date.parse(after.firstAttemptAt ?? '') + maxAgeMs;
          const schedule = config.DELIVERY_SCHEDULE_SECONDS;
          const stepMs = (schedule[Math.min(before.attempts + 1, schedule.length - 1)] ?? 0) * 1000;
          const askedMs = ((outcome as { retryAfterSeconds?: number }).retryAfterSeconds ?? 0) * 1000;
          const untilEnd = windowEnd - now.getTime();
          expect(waitMs).toBeLessThanOrEqual(untilEnd);
          expect(waitMs).toBeGreaterThanOrEqual(Math.min(Math.max(stepMs * 0.8, askedMs), untilEnd) - 1);
          expect(waitMs).toBeLessThanOrEqual(Math.max(stepMs * 1.2, askedMs) + 1);
        }
      }),
    );
  });

  it('retries an event that never gets through for at least the whole window, then fails it once', () => {
    // Act: every attempt on time, every answer a 503
    const seen = play(
      Array.from({ length: 200 }, () => [{ kind: 'retry', error: 'HTTP 503', status: 503 }, 0, 0.5]),
    );

    // Assess
    const last = seen.at(-1);
    expect(last?.after.status).toBe('failed');
    expect(seen.filter(({ after }) => after.status === 'failed')).toHaveLength(1);
    expect(Date.parse(last?.after.failedAt ?? '') - start.getTime()).toBeGreaterThanOrEqual(maxAgeMs);
    expect(seen.length).toBeLessThan(40);
  });

  it('does not retry a final answer, and settles a delivery at once', () => {
    fc.assert(
      fc.property(fc.constantFrom(400, 401, 403, 404, 410, 413, 422), (status) => {
        const failed = afterAttempt(
          pending,
          { kind: 'fail', error: `HTTP ${status}`, status },
          start,
          config,
        );
        expect(failed).toMatchObject({ status: 'failed', attempts: 1, lastStatus: status });
        expect(failed.nextAttemptAt).toBeUndefined();
      }),
    );
    const delivered = afterAttempt(pending, { kind: 'delivered', status: 200 }, start, config);
    expect(delivered).toMatchObject({ status: 'delivered', deliveredAt: start.toISOString() });
    expect(delivered.lastError).toBeUndefined();
  });
});
