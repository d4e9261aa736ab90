import { type Agent, credentialVersionOf } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { found } from '#use-cases/admin/checks.ts';

/**
 * Ends the agent's sessions: a new credential version (tickets and connections made with the old one
 * are refused from now on, by redeem and by fan-out), then every open connection closed and forgotten.
 */
export async function endSessions(deps: Deps, agent: Agent, changes: Partial<Omit<Agent, 'employeeId'>>) {
  const credentialVersion = credentialVersionOf(agent) + 1;
  found(
    await deps.store.directory.agents.update(agent.employeeId, { ...changes, credentialVersion }),
    'agent',
    agent.employeeId,
  );
  for (const connection of await deps.store.live.connectionsOf(agent.employeeId)) {
    await deps.liveSessions.close(connection);
    await deps.store.live.deleteConnection(connection.connectionId);
  }
}
