import { describe, expect, it } from 'vitest';
import type { Config } from '#config';
import { classifyResponse, parseRetryAfter } from '#delivery/send.ts';
import { afterAttempt, redriven } from '#domain/outbox/delivery.ts';
import type { Delivery } from '#domain/outbox/model.ts';

/** The retry rules as pure functions: schedule, jitter, Retry-After, deadline, final failures. */
const config: Pick<Config, 'DELIVERY_SCHEDULE_SECONDS' | 'DELIVERY_MAX_AGE_SECONDS'> = {
  DELIVERY_SCHEDULE_SECONDS: [0, 5, 30, 120, 600, 1800, 3600, 7200],
  DELIVERY_MAX_AGE_SECONDS: 24 * 3600,
};
const start = new Date('2026-01-01T00:00:00.000Z');
const pending: Delivery = {
  target: 'dialogstudio',
  status: 'pending',
  payload: { id: 'x' },
  attempts: 0,
  createdAt: start.toISOString(),
  nextAttemptAt: start.toISOString(),
};
const retry = { kind: 'retry', error: 'HTTP 503', status: 503 } as const;
const middle = () => 0.5;

function delaySeconds(delivery: Delivery, now: Date): number {
  return (Date.parse(delivery.nextAttemptAt ?? '') - now.getTime()) / 1000;
}

describe('afterAttempt', () => {
  it('follows the schedule step by step, then repeats its last step', () => {
    let delivery = pending;
    let now = start;
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      delivery = afterAttempt(delivery, retry, now, config, middle);
      delays.push(delaySeconds(delivery, now));
      now = new Date(delivery.nextAttemptAt ?? '');
    }
    expect(delays).toEqual([5, 30, 120, 600, 1800, 3600, 7200, 7200, 7200, 7200]);
  });

  it('keeps jitter within ±20% of the step', () => {
    const low = afterAttempt(pending, retry, start, config, () => 0);
    const high = afterAttempt(pending, retry, start, config, () => 0.999);
    expect(delaySeconds(low, start)).toBeCloseTo(4, 5);
    expect(delaySeconds(high, start)).toBeGreaterThan(5.99);
    expect(delaySeconds(high, start)).toBeLessThanOrEqual(6);
  });

  it('waits at least what Retry-After asks', () => {
    const next = afterAttempt(pending, { ...retry, retryAfterSeconds: 90 }, start, config, middle);
    expect(delaySeconds(next, start)).toBe(90);
  });

  it('tries last at the deadline, counted from the first attempt, then fails with the last error', () => {
    const first = afterAttempt(pending, retry, start, config, middle);
    const lateNow = new Date(start.getTime() + (24 * 3600 - 60) * 1000);
    const late = afterAttempt({ ...first, attempts: 20 }, retry, lateNow, config, middle);
    const deadline = new Date(start.getTime() + 24 * 3600 * 1000);
    const final = afterAttempt(
      late,
      { kind: 'retry', error: 'timeout after 10000 ms' },
      deadline,
      config,
      middle,
    );
    expect(late.nextAttemptAt).toBe(deadline.toISOString());
    expect(final).toMatchObject({
      status: 'failed',
      failedAt: deadline.toISOString(),
      lastError: 'timeout after 10000 ms',
      attempts: 22,
    });
    expect(final.nextAttemptAt).toBeUndefined();
  });

  it('fails at once on a final answer, and records a delivery with its status', () => {
    const rejected = afterAttempt(pending, { kind: 'fail', error: 'HTTP 404', status: 404 }, start, config);
    const delivered = afterAttempt(pending, { kind: 'delivered', status: 204 }, start, config);
    expect(rejected).toMatchObject({ status: 'failed', attempts: 1, lastStatus: 404 });
    expect(delivered).toMatchObject({ status: 'delivered', attempts: 1, deliveredAt: start.toISOString() });
    expect(delivered.nextAttemptAt).toBeUndefined();
  });

  it('gives a redriven event a fresh window and keeps its body', () => {
    const failed = afterAttempt(pending, { kind: 'fail', error: 'HTTP 400', status: 400 }, start, config);
    const again = redriven(failed, start);
    expect(again).toMatchObject({ status: 'pending', attempts: 0, payload: { id: 'x' } });
    expect(again.firstAttemptAt).toBeUndefined();
    expect(again.failedAt).toBeUndefined();
  });
});

describe('classifyResponse', () => {
  it.each([
    [200, 'delivered'],
    [204, 'delivered'],
    [408, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
    [301, 'fail'],
    [400, 'fail'],
    [401, 'fail'],
    [404, 'fail'],
    [410, 'fail'],
  ])('treats HTTP %i as %s', (status, kind) => {
    expect(classifyResponse(status, undefined, start).kind).toBe(kind);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('120', start)).toBe(120);
    expect(parseRetryAfter(new Date(start.getTime() + 30_000).toUTCString(), start)).toBe(30);
    expect(parseRetryAfter('soon', start)).toBeUndefined();
    expect(classifyResponse(429, '7', start)).toMatchObject({ kind: 'retry', retryAfterSeconds: 7 });
  });
});
