import { hasOnline } from '#domain/directory/availability.ts';
import type { Deps } from '#domain/shared/deps.ts';

/** GetDestinations: every agent group and whether DialogStudio may count on someone being online there. */
export async function getDestinations(deps: Deps) {
  const [destinations, agents] = await Promise.all([
    deps.store.directory.destinations.list(),
    deps.store.directory.agents.list(),
  ]);
  const now = deps.now();
  return {
    destinations: destinations.map((destination) => ({
      destinationId: destination.destinationId,
      name: destination.name,
      hasOnline: hasOnline(destination, agents, now, deps.config.PRESENCE_TIMEOUT_SECONDS),
    })),
  };
}
