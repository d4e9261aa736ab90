import { queuesOf } from '#domain/directory/agents.ts';
import { openingAt } from '#domain/directory/hours.ts';
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
 * Whether DialogStudio may hand a client over: the destination is open by its business hours (an
 * agent's personal queue has none: always open) and one of the agents whose queues include it (its
 * group's members, or for a personal queue the agent itself) is online. An agent who forgot to go
 * away at closing time does not keep a group "online" all night.
 */
export function hasOnline(
  destination: Destination,
  agents: Agent[],
  now: Date,
  timeoutSeconds: number,
): boolean {
  if (!openingAt(destination.hours, now).open) return false;
  return agents.some(
    (agent) => queuesOf(agent).includes(destination.destinationId) && isOnline(agent, now, timeoutSeconds),
  );
}
