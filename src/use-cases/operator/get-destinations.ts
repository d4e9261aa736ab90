import { destinationHasOnline } from '#domain/directory/presence.ts';
import type { Deps } from '#domain/shared/deps.ts';

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
      hasOnline: destinationHasOnline(
        destination.destinationId,
        agents,
        now,
        deps.config.PRESENCE_TIMEOUT_SECONDS,
      ),
    })),
  };
}
