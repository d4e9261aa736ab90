import { queuesOf } from '#domain/directory/agents.ts';
import type { Agent, Destination } from '#domain/directory/model.ts';

/**
 * Who counts as available, in one place: DialogStudio's `hasOnline` (getDestinations, the
 * `SelectDestination` of a transfer) and the Agent API's destination list all read it from here.
 */

/** An agent counts as online only while its heartbeat is fresh: a closed laptop goes offline by itself. */
export function isOnline(agent: Agent, now: Date, timeoutSeconds: number): boolean {
  if (agent.revoked || !agent.online || !agent.lastSeenAt) return false;
  return now.getTime() - Date.parse(agent.lastSeenAt) < timeoutSeconds * 1000;
}

/**
 * Whether the destination has anyone online: one of the agents whose queues include it (its group's
 * members, or for an agent's personal queue the agent itself). It takes the whole destination, so a
 * rule about the destination's own fields has a place here.
 */
export function hasOnline(
  destination: Destination,
  agents: Agent[],
  now: Date,
  timeoutSeconds: number,
): boolean {
  return agents.some(
    (agent) => queuesOf(agent).includes(destination.destinationId) && isOnline(agent, now, timeoutSeconds),
  );
}
