import { randomBytes } from 'node:crypto';
import { type Agent, credentialVersionOf } from '#domain/directory/model.ts';
import type { LiveTicket } from '#domain/live/ports.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { hashSecret } from '#domain/shared/ids.ts';

/**
 * Tickets let a browser open the WebSocket without putting the agent token in a URL (browsers send no
 * headers there): 192 random bits, valid for LIVE_TICKET_SECONDS, good for one connection, stored
 * only as a SHA-256 hash, and bound to the agent's credential version, so a revoke or a new token
 * voids the tickets not yet redeemed.
 */
export async function issueTicket(deps: Deps, agent: Agent): Promise<{ ticket: string; expiresAt: string }> {
  const ticket = `lt_${randomBytes(24).toString('base64url')}`;
  const validUntil = deps.now().getTime() + deps.config.LIVE_TICKET_SECONDS * 1000;
  await deps.store.live.putTicket(
    hashSecret(ticket),
    { employeeId: agent.employeeId, credentialVersion: credentialVersionOf(agent) },
    validUntil,
  );
  return { ticket, expiresAt: new Date(validUntil).toISOString() };
}

/** Whose ticket this is, once: undefined for an unknown, expired or already used one. */
export function redeemTicket(deps: Deps, ticket: string): Promise<LiveTicket | undefined> {
  return deps.store.live.takeTicket(hashSecret(ticket), deps.now().getTime());
}
