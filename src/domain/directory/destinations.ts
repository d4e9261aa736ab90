import { agentName } from '#domain/directory/agents.ts';
import type { Channel, Destination } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';

/** The destination a request lands in, with the group's record as read (its hours, its automatic replies). */
export interface ResolvedDestination extends Partial<Destination> {
  destinationId: string;
  name: string;
  /** False when the requested id was unknown and the channel's default was used instead. */
  known: boolean;
}

/**
 * The agent group, or the single (unrevoked) agent's personal queue, that a destination id names;
 * undefined for neither. A group comes whole, with every field it has; an agent's queue is named after it.
 */
export async function findDestination(deps: Deps, destinationId: string): Promise<Destination | undefined> {
  const group = await deps.store.directory.destinations.get(destinationId);
  if (group) return group;
  const agent = await deps.store.directory.agents.get(destinationId);
  if (agent && !agent.revoked) {
    return { destinationId: agent.employeeId, name: agentName(agent), createdAt: agent.createdAt };
  }
  return undefined;
}

/** A destination id names an agent group or a single agent; anything else lands in the channel's default. */
export async function resolveDestination(
  deps: Deps,
  channel: Channel,
  requestedId: string | undefined,
): Promise<ResolvedDestination> {
  const found = requestedId ? await findDestination(deps, requestedId) : undefined;
  if (found) return { ...found, known: true };
  const fallback = await deps.store.directory.destinations.get(channel.defaultDestinationId);
  return {
    ...fallback,
    destinationId: channel.defaultDestinationId,
    name: fallback?.name ?? channel.defaultDestinationId,
    known: requestedId === undefined,
  };
}
