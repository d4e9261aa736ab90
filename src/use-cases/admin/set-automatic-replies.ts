import type { Destination } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { NotFoundError, ValidationError } from '#domain/shared/errors.ts';
import * as z from '#domain/shared/zod.ts';
import { check } from '#use-cases/admin/checks.ts';

/** How long a reply's text may be as written, placeholders unfilled: a chat message, not a letter. */
export const MAX_REPLY_CHARACTERS = 4000;

const replySchema = z.string().check(z.maxLength(MAX_REPLY_CHARACTERS));
const minutesSchema = z.coerce
  .number()
  .check(z.int('must be a whole number of minutes'), z.minimum(1), z.maximum(10_080));

export interface AutomaticReplyChanges {
  /** Empty clears it. */
  offlineReply?: string;
  /** Empty clears it. */
  waitingReply?: string;
  /** Minutes, as a number or the text of one. */
  waitingAfterMinutes?: string | number;
}

/** A text as set: empty (or blank) clears it, so it is stored as absent. */
function textOrClear(value: string | undefined, path: string) {
  if (value === undefined) return {};
  const text = check(replySchema, value, path);
  return { [path]: text.trim() === '' ? undefined : text };
}

/**
 * Sets a destination's automatic replies (PRODUCT.md section 5): the offline reply and the waiting reply
 * with its minutes. Everything is checked before anything is written; a waiting reply needs its minutes.
 */
export async function setAutomaticReplies(deps: Deps, destinationId: string, changes: AutomaticReplyChanges) {
  const { destinations } = deps.store.directory;
  const current = await destinations.get(destinationId);
  if (!current) throw new NotFoundError('destination_not_found', `No destination ${destinationId}`);
  const update: Partial<Destination> = {
    ...textOrClear(changes.offlineReply, 'offlineReply'),
    ...textOrClear(changes.waitingReply, 'waitingReply'),
    ...(changes.waitingAfterMinutes !== undefined && {
      waitingAfterMinutes: check(minutesSchema, changes.waitingAfterMinutes, 'waitingAfterMinutes'),
    }),
  };
  const after = { ...current, ...update };
  if (after.waitingReply && after.waitingAfterMinutes === undefined) {
    throw new ValidationError('invalid_argument', 'waitingAfterMinutes: required with a waiting reply', [
      { path: 'waitingAfterMinutes', message: 'required with a waiting reply' },
    ]);
  }
  if (!(await destinations.update(destinationId, update))) {
    throw new NotFoundError('destination_not_found', `No destination ${destinationId}`);
  }
  return {
    destinationId,
    ...(after.offlineReply && { offlineReply: after.offlineReply }),
    ...(after.waitingReply && { waitingReply: after.waitingReply }),
    ...(after.waitingAfterMinutes !== undefined && { waitingAfterMinutes: after.waitingAfterMinutes }),
  };
}
