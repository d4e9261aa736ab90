import { changedHours, type HoursChange } from '#domain/directory/hours-text.ts';
import type { Destination } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { NotFoundError } from '#domain/shared/errors.ts';
import { check, found, nameSchema } from '#use-cases/admin/checks.ts';

/** What `destination update` may change; each part is optional and checked before anything is written. */
export interface DestinationChanges extends HoursChange {
  name?: string;
}

/**
 * Renames a destination or changes its business hours (PRODUCT.md section 5): every part is read and
 * checked first, so a mistake in one changes nothing. Answers the destination as it is now.
 */
export async function updateDestination(
  deps: Deps,
  destinationId: string,
  changes: DestinationChanges,
): Promise<Destination> {
  const current = await deps.store.directory.destinations.get(destinationId);
  if (!current) throw new NotFoundError('destination_not_found', `No destination ${destinationId}`);
  const set: Partial<Omit<Destination, 'destinationId'>> = {
    ...(changes.name !== undefined && { name: check(nameSchema, changes.name, 'name') }),
  };
  const hours = changedHours(current.hours, changes);
  if (hours !== current.hours) set.hours = hours;
  found(await deps.store.directory.destinations.update(destinationId, set), 'destination', destinationId);
  return { ...current, ...set };
}
