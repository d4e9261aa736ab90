import { credentialVersionOf } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { UnauthorizedError } from '#domain/shared/errors.ts';
import { redeemTicket } from '#live/tickets.ts';

/**
 * `$connect`: redeems the ticket and records the connection with the queues the agent sees (its groups
 * and its own queue), so that fan-out finds it by queue. 401 for a bad ticket, a revoked agent, or a
 * ticket of an older credential version (minted before a revoke or a new token).
 */
export async function openConnection(
  deps: Deps,
  connectionId: string,
  ticket: string,
  managementUrl?: string,
) {
  const redeemed = await redeemTicket(deps, ticket);
  const agent = redeemed ? await deps.store.directory.agents.get(redeemed.employeeId) : undefined;
  if (!redeemed || !agent || agent.revoked || credentialVersionOf(agent) !== redeemed.credentialVersion) {
    throw new UnauthorizedError('Unknown, expired or used ticket');
  }
  const now = deps.now();
  await deps.store.live.putConnection({
    connectionId,
    employeeId: agent.employeeId,
    credentialVersion: redeemed.credentialVersion,
    queues: [...new Set([...agent.destinations, agent.employeeId])],
    ...(managementUrl && { managementUrl }),
    connectedAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + deps.config.LIVE_CONNECTION_SECONDS,
  });
  return { employeeId: agent.employeeId };
}

/** `$disconnect`, and fan-out when a connection turns out to be gone. */
export function closeConnection(deps: Deps, connectionId: string): Promise<void> {
  return deps.store.live.deleteConnection(connectionId);
}
