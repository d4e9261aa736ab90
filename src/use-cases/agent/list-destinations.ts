import { hasOnline, isOnline } from '#domain/directory/availability.ts';
import { openingAt } from '#domain/directory/hours.ts';
import type { Deps } from '#domain/shared/deps.ts';

/**
 * Every agent group, whether DialogStudio sees it as online, its business hours and whether it is open
 * (when it opens next, while closed), and who is in it: what an agent needs to transfer a conversation
 * and to know who covers its groups. Nothing secret about the agents.
 */
export async function listDestinations(deps: Deps) {
  const [destinations, agents] = await Promise.all([
    deps.store.directory.destinations.list(),
    deps.store.directory.agents.list(),
  ]);
  const now = deps.now();
  const timeout = deps.config.PRESENCE_TIMEOUT_SECONDS;
  const active = agents.filter((agent) => !agent.revoked);
  return {
    destinations: destinations.map((destination) => {
      const opening = openingAt(destination.hours, now);
      return {
        destinationId: destination.destinationId,
        name: destination.name,
        hasOnline: hasOnline(destination, active, now, timeout),
        ...(destination.hours && { hours: destination.hours }),
        openNow: opening.open,
        ...(!opening.open && opening.opensAt !== undefined && { opensAt: opening.opensAt }),
        agents: active
          .filter((agent) => agent.destinations.includes(destination.destinationId))
          .map((agent) => ({
            employeeId: agent.employeeId,
            firstName: agent.firstName,
            lastName: agent.lastName,
            online: isOnline(agent, now, timeout),
          })),
      };
    }),
  };
}
