import { createHash } from 'node:crypto';
import type { AgentMessageInput } from '#api/agent.ts';
import type { Agent } from '#domain/directory/model.ts';
import type { IdempotencyRecord } from '#domain/idempotency/ports.ts';

/** A claim older than this whose work never finished may be taken over by the same request. */
export const STALE_CLAIM_MS = 30_000;

/** How long an Idempotency-Key is remembered: a repeat within this time gets the first answer back. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

/** What makes two requests with one key the same request: the agent and everything it sent. */
export function fingerprintOf(agent: Agent, input: AgentMessageInput): string {
  return createHash('sha256')
    .update(JSON.stringify([agent.employeeId, input]))
    .digest('hex');
}

/** The claim a request makes on its key at `now`: stale claims before `staleBefore`, forgotten at `expiresAt`. */
export function claimAt(fingerprint: string, now: Date) {
  return {
    fingerprint,
    claimedAt: now.toISOString(),
    staleBefore: new Date(now.getTime() - STALE_CLAIM_MS).toISOString(),
    expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS).toISOString(),
  };
}

/**
 * What a request gets when another holds its key: `reused` when that one was a different request;
 * `answered` with the first answer once it finished; otherwise `unfinished`, and the caller looks for
 * an entry that carries the key, written since `since` (a crash may have come between the writes).
 */
export type Repeat =
  | { kind: 'reused' }
  | { kind: 'answered'; response: Record<string, unknown> }
  | { kind: 'unfinished'; since: string };

export function repeatOf(record: IdempotencyRecord, fingerprint: string): Repeat {
  if (record.fingerprint !== fingerprint) return { kind: 'reused' };
  if (record.response) return { kind: 'answered', response: record.response };
  return { kind: 'unfinished', since: new Date(Date.parse(record.claimedAt) - STALE_CLAIM_MS).toISOString() };
}
