import { expect } from 'vitest';
import type { Wired } from '#deps';
import { type Reply, tableSnapshot } from './clients.ts';

/** How many requests built to a route's schema were sent, and how many of them succeeded. */
export interface Tally {
  built: number;
  succeeded: number;
}

/**
 * What every property test asserts of one reply: never a 5xx, and a refusal carries an error code and
 * wrote nothing (`before` is the table as it was before the request). Built requests are tallied.
 */
export async function assessReply(deps: Wired, reply: Reply, before: string, built: boolean, tally: Tally) {
  expect(reply.status).toBeLessThan(500);
  if (reply.status >= 400) {
    expect(reply.body.error.code).toEqual(expect.any(String));
    expect(await tableSnapshot(deps)).toBe(before);
  }
  if (built) {
    tally.built++;
    if (reply.status < 400) tally.succeeded++;
  }
}
