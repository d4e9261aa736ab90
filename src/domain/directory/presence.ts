import type { Agent } from '#domain/directory/model.ts';

/** An agent counts as online only while its heartbeat is fresh: a closed laptop goes offline by itself. */
export function isOnline(agent: Agent, now: Date, timeoutSeconds: number): boolean {
  if (agent.revoked || !agent.online || !agent.lastSeenAt) return false;
  return now.getTime() - Date.parse(agent.lastSeenAt) < timeoutSeconds * 1000;
}

export function destinationHasOnline(
  destinationId: string,
  agents: Agent[],
  now: Date,
  timeoutSeconds: number,
): boolean {
  return agents.some(
    (agent) => agent.destinations.includes(destinationId) && isOnline(agent, now, timeoutSeconds),
  );
}
