import { createHash } from 'node:crypto';
import type { AgentMessageInput } from '#domain/agent-schemas.ts';
import type { Agent } from '#domain/directory/model.ts';

export function fingerprintOf(agent: Agent, input: AgentMessageInput): string {
  return createHash('sha256')
    .update(JSON.stringify([agent.employeeId, input]))
    .digest('hex');
}

/** A claim older than this whose work never finished may be taken over by the same request. */
export const STALE_CLAIM_MS = 30_000;

/** How long an Idempotency-Key is remembered: a repeat within this time gets the first answer back. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
