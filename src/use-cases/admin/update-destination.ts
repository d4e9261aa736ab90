import { changedHours, type HoursChange } from '#domain/directory/hours-text.ts';
import type { Destination } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { NotFoundError, ValidationError } from '#domain/shared/errors.ts';
import * as z from '#domain/shared/zod.ts';
import { check, found, nameSchema } from '#use-cases/admin/checks.ts';

/** How long an automatic reply's text may be as written, placeholders unfilled: a chat message, not a letter. */
export const MAX_REPLY_CHARACTERS = 4000;

const replySchema = z.string().check(z.maxLength(MAX_REPLY_CHARACTERS));
const minutesSchema = z.coerce
  .number()
  .check(z.int('must be a whole number of minutes'), z.minimum(1), z.maximum(10_080));

/** The automatic replies (PRODUCT.md section 5) as `destination update` takes them. */
export interface AutomaticReplyChanges {
  /** Empty clears it. */
  offlineReply?: string;
  /** Empty clears it. */
  waitingReply?: string;
  /** Minutes, as a number or the text of one. */
  waitingAfterMinutes?: string | number;
}

/** What `destination update` may change; each part is optional and checked before anything is written. */
export interface DestinationChanges extends HoursChange, AutomaticReplyChanges {
  name?: string;
}

/** A reply's text as set: empty (or blank) clears it, so it is stored as absent. */
function textOrClear(value: string | undefined, path: 'offlineReply' | 'waitingReply') {
  if (value === undefined) return {};
  const text = check(replySchema, value, path);
  return { [path]: text.trim() === '' ? undefined : text };
}

/**
 * Changes a destination: its name, its business hours, its automatic replies (PRODUCT.md section 5).
 * Every part is read and checked first, so a mistake in one changes nothing, and the change is one
 * write. A waiting reply needs its minutes. Answers the destination as it is now.
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
    ...textOrClear(changes.offlineReply, 'offlineReply'),
    ...textOrClear(changes.waitingReply, 'waitingReply'),
    ...(changes.waitingAfterMinutes !== undefined && {
      waitingAfterMinutes: check(minutesSchema, changes.waitingAfterMinutes, 'waitingAfterMinutes'),
    }),
  };
  const hours = changedHours(current.hours, changes);
  if (hours !== current.hours) set.hours = hours;
  const after = { ...current, ...set };
  if (after.waitingReply && after.waitingAfterMinutes === undefined) {
    throw new ValidationError('invalid_argument', 'waitingAfterMinutes: required with a waiting reply', [
      { path: 'waitingAfterMinutes', message: 'required with a waiting reply' },
    ]);
  }
  found(await deps.store.directory.destinations.update(destinationId, set), 'destination', destinationId);
  return after;
}
