import { describe, expect, it } from 'vitest';
import { agentMessageInput } from '#api/agent.ts';
import type { Agent } from '#domain/directory/model.ts';
import {
  claimAt,
  fingerprintOf,
  IDEMPOTENCY_TTL_MS,
  repeatOf,
  STALE_CLAIM_MS,
} from '#domain/idempotency/policy.ts';

/** The Idempotency-Key decision as a pure function: what a repeat of a claimed key gets. */
const claimedAt = '2026-12-04T10:00:00.000Z';

describe('idempotency decision', () => {
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
    expect(Date.parse(claim.expiresAt) - Date.parse(claimedAt)).toBe(IDEMPOTENCY_TTL_MS);
  });
});

/** What makes two requests with one key the same request: the agent and what it sent, as validated. */
describe('idempotency fingerprint', () => {
  const anna = { employeeId: 'anna' } as Agent;
  const bob = { employeeId: 'bob' } as Agent;
  /** A body as the route reads it: parsed and validated, the way the use case gets it. */
  const sent = (body: string) => agentMessageInput.parse(JSON.parse(body));

  it('is the same for the same agent and body, whatever the order or spacing of its JSON', () => {
    expect(fingerprintOf(anna, sent('{"url":"https://x.example/a.pdf","name":"a.pdf","size":3}'))).toBe(
      fingerprintOf(anna, sent('{ "size": 3, "name": " a.pdf ", "url": "https://x.example/a.pdf" }')),
    );
  });

  it('differs for another agent, another text, or a file instead of a text', () => {
    const first = fingerprintOf(anna, sent('{"text":"Hello"}'));

    expect(fingerprintOf(bob, sent('{"text":"Hello"}'))).not.toBe(first);
    expect(fingerprintOf(anna, sent('{"text":"Hello!"}'))).not.toBe(first);
    expect(fingerprintOf(anna, sent('{"url":"https://x.example/Hello"}'))).not.toBe(first);
  });

  it('tells a repeat with another body apart as a reuse of the key', () => {
    const claim = claimAt(fingerprintOf(anna, sent('{"text":"Hello"}')), new Date(claimedAt));

    expect(repeatOf(claim, fingerprintOf(anna, sent('{"text":"Bye"}')))).toEqual({ kind: 'reused' });
  });
});
