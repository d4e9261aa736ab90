import type { MessagesQuery } from '#api/agent.ts';
import type { TranscriptEntry } from '#domain/conversations/model.ts';
import { withinBytes } from '#domain/conversations/paging.ts';
import { entryView, isGap } from '#domain/conversations/views.ts';
import { withIntent } from '#domain/conversations/writes.ts';
import type { Agent } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { ValidationError } from '#domain/shared/errors.ts';
import { messageId, seqOfMessageId } from '#domain/shared/ids.ts';
import { visibleConversation } from '#use-cases/agent/access.ts';

/**
 * The transcript, oldest first, a page at a time after the message `after`: `next` (pass it as
 * `after`) is there while more remain. Gaps a crash left in the numbering are skipped.
 */
export async function listMessages(deps: Deps, agent: Agent, conversationId: string, query: MessagesQuery) {
  const conversation = await visibleConversation(deps, agent, conversationId);
  let afterSeq = 0;
  if (query.after) {
    const seq = seqOfMessageId(conversationId, query.after);
    if (seq === undefined) {
      throw new ValidationError('invalid_query', 'after: not a message id of this conversation', [
        { path: 'after', message: 'not a message id of this conversation' },
      ]);
    }
    afterSeq = seq;
  }
  const limit = query.limit ?? 100;
  const { entries: stored, continueAt } = await deps.store.transcript.rangePage(
    conversationId,
    afterSeq + 1,
    conversation.lastSeq,
    limit + 1,
  );
  // The store may stop short of `limit` (DynamoDB ends a page at 1 MB): what it did not read is not the end.
  const covered = continueAt === undefined ? conversation.lastSeq : continueAt - 1;
  const read = await withIntent(deps, conversation, stored, afterSeq + 1, covered);
  const page = read.slice(0, limit);
  const visible = page.filter((entry): entry is TranscriptEntry => !isGap(entry)).map(entryView);
  const messages = withinBytes(visible, limit);
  let next: string | undefined;
  if (messages.length < visible.length) next = messages.at(-1)?.id;
  else if (read.length > limit) next = page.at(-1)?.id;
  else if (continueAt !== undefined) next = messageId(conversationId, covered);
  return { messages, ...(next && { next }) };
}
