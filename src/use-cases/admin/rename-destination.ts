import type { Deps } from '#domain/shared/deps.ts';
import { check, found, nameSchema } from '#use-cases/admin/checks.ts';

export async function renameDestination(deps: Deps, destinationId: string, name: string) {
  const checked = check(nameSchema, name, 'name');
  found(
    await deps.store.directory.destinations.update(destinationId, { name: checked }),
    'destination',
    destinationId,
  );
}
