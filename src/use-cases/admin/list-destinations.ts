import type { Deps } from '#domain/shared/deps.ts';

export function listDestinations(deps: Deps) {
  return deps.store.directory.destinations.list();
}
