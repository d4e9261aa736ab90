import { replyTextSchema, shortcutSchema, titleSchema } from '#domain/directory/canned-replies.ts';
import { findDestination } from '#domain/directory/destinations.ts';
import type { CannedReply } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { ConflictError, NotFoundError } from '#domain/shared/errors.ts';
import { newId } from '#domain/shared/ids.ts';
import { check } from '#use-cases/admin/checks.ts';

export interface CannedReplyInput {
  destinationId: string;
  shortcut: string;
  title: string;
  text: string;
}

/**
 * A new canned reply of an agent group or of an agent's personal queue. Every field is checked before
 * anything is written; the store refuses a shortcut its destination has already, even from a racing create.
 */
export async function createCannedReply(deps: Deps, input: CannedReplyInput): Promise<CannedReply> {
  const reply: CannedReply = {
    replyId: newId('rpl'),
    destinationId: input.destinationId,
    shortcut: check(shortcutSchema, input.shortcut, 'shortcut'),
    title: check(titleSchema, input.title, 'title'),
    text: check(replyTextSchema, input.text, 'text'),
    createdAt: deps.now().toISOString(),
  };
  if (!(await findDestination(deps, input.destinationId))) {
    throw new NotFoundError('destination_not_found', `No destination ${input.destinationId}`, [
      { path: 'destinationId', message: 'no such agent group or agent' },
    ]);
  }
  if (!(await deps.store.directory.cannedReplies.create(reply))) {
    throw new ConflictError(
      'shortcut_taken',
      `Destination ${reply.destinationId} has a canned reply /${reply.shortcut} already`,
      [{ path: 'shortcut', message: 'already used in this destination' }],
    );
  }
  return reply;
}
