import { describe, expect, it } from 'vitest';
import { claimAt, repeatOf, STALE_CLAIM_MS } from '#domain/idempotency/policy.ts';

/** The Idempotency-Key decision as a pure function: what a repeat of a claimed key gets. */
describe('idempotency decision', () => {
  const claimedAt = '2026-12-04T10:00:00.000Z';

  it('refuses a key that came with another request', () => {
    expect(repeatOf({ fingerprint: 'a', claimedAt }, 'b')).toEqual({ kind: 'reused' });
  });

  it('gives the first answer back once the first request finished', () => {
    expect(repeatOf({ fingerprint: 'a', claimedAt, response: { id: 'cv_1-3' } }, 'a')).toEqual({
      kind: 'answered',
      response: { id: 'cv_1-3' },
    });
  });

  it('looks for the written entry from a little before an unfinished claim', () => {
    // Act
    const repeat = repeatOf({ fingerprint: 'a', claimedAt }, 'a');

    // Assess
    expect(repeat).toEqual({
      kind: 'unfinished',
      since: new Date(Date.parse(claimedAt) - STALE_CLAIM_MS).toISOString(),
    });
  });

  it('claims with a stale point before now and an expiry after it', () => {
    // Act
    const claim = claimAt('a', new Date(claimedAt));

    // Assess
    expect(claim.claimedAt).toBe(claimedAt);
    expect(Date.parse(claim.staleBefore)).toBeLessThan(Date.parse(claimedAt));
    expect(Date.parse(claim.expiresAt)).toBeGreaterThan(Date.parse(claimedAt));
  });
});
