import { randomBytes } from 'node:crypto';
import type { Deps } from '#domain/deps.ts';
import { hashSecret } from '#domain/ids.ts';
import type { Agent } from '#domain/model.ts';
import { putTicket, takeTicket } from '#live/store.ts';

/**
 * Tickets let a browser open the WebSocket without putting the agent token in a URL (browsers send no
 * headers there): 192 random bits, valid for LIVE_TICKET_SECONDS, good for one connection, stored
 * only as a SHA-256 hash.
 */
export async function issueTicket(deps: Deps, agent: Agent): Promise<{ ticket: string; expiresAt: string }> {
  const ticket = `lt_${randomBytes(24).toString('base64url')}`;
  const validUntil = deps.now().getTime() + deps.config.LIVE_TICKET_SECONDS * 1000;
  await putTicket(deps.db, hashSecret(ticket), agent.employeeId, validUntil);
  return { ticket, expiresAt: new Date(validUntil).toISOString() };
}

/** Whose ticket this is, once: undefined for an unknown, expired or already used one. */
export function redeemTicket(deps: Deps, ticket: string): Promise<string | undefined> {
  return takeTicket(deps.db, hashSecret(ticket), deps.now().getTime());
}
