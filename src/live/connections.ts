import type { Deps } from '#domain/deps.ts';
import { UnauthorizedError } from '#domain/errors.ts';
import { deleteConnection, putConnection } from '#live/store.ts';
import { redeemTicket } from '#live/tickets.ts';
import { agentsStore } from '#store/config-records.ts';

/**
 * `$connect`: redeems the ticket and records the connection with the queues the agent sees (its groups
 * and its own queue), so that fan-out finds it by queue. 401 for a bad ticket or a revoked agent.
 */
export async function openConnection(deps: Deps, connectionId: string, ticket: string) {
  const employeeId = await redeemTicket(deps, ticket);
  const agent = employeeId ? await agentsStore.get(deps.db, employeeId) : undefined;
  if (!agent || agent.revoked) throw new UnauthorizedError('Unknown, expired or used ticket');
  const now = deps.now();
  await putConnection(deps.db, {
    connectionId,
    employeeId: agent.employeeId,
    queues: [...new Set([...agent.destinations, agent.employeeId])],
    connectedAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + deps.config.LIVE_CONNECTION_SECONDS,
  });
  return { employeeId: agent.employeeId };
}

/** `$disconnect`, and fan-out when a connection turns out to be gone. */
export function closeConnection(deps: Deps, connectionId: string): Promise<void> {
  return deleteConnection(deps.db, connectionId);
}
