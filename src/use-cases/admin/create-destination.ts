import { reserveId } from '#domain/directory/id-namespace.ts';
import type { Destination } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { ConflictError } from '#domain/shared/errors.ts';
import { newId } from '#domain/shared/ids.ts';
import { check, destinationIdSchema, nameSchema } from '#use-cases/admin/checks.ts';

/**
 * A new agent group. Its id shares one namespace with agents' employee ids, because DialogStudio
 * names both with one `destinationId`: a group named like an agent would take over its personal queue.
 */
export async function createDestination(deps: Deps, input: { destinationId?: string; name: string }) {
  const destination: Destination = {
    destinationId: check(destinationIdSchema, input.destinationId ?? newId('dst'), 'destinationId'),
    name: check(nameSchema, input.name, 'name'),
    createdAt: deps.now().toISOString(),
  };
  await reserveId(deps, destination.destinationId, 'destination', 'destinationId');
  if (!(await deps.store.directory.destinations.create(destination))) {
    throw new ConflictError('destination_exists', `Destination ${destination.destinationId} exists already`);
  }
  return destination;
}
