import type { TranscriptEntry } from '#domain/conversations/model.ts';
import { isGap } from '#domain/conversations/views.ts';
import type { Agent } from '#domain/directory/model.ts';
import { assertRedrivable, requeueFailed } from '#domain/outbox/redrive.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { ConflictError, NotFoundError } from '#domain/shared/errors.ts';
import { seqOfMessageId } from '#domain/shared/ids.ts';
import { conversationNotFound, visibleConversation } from '#use-cases/agent/access.ts';

/**
 * An agent puts a failed event back in line (the CLI's redrive, for one event). Allowed to the
 * conversation's assignee, or while nobody holds it to any agent of its destination (404 to others,
 * and 404 unless the message is one of its events to DialogStudio); 409 `conversation_closed` once
 * closed unless the event is the `Closed` itself; 409 `not_failed` unless the event is `failed`.
 */
export async function retryMessage(deps: Deps, agent: Agent, conversationId: string, messageId: string) {
  const conversation = await visibleConversation(deps, agent, conversationId);
  if (conversation.assignee && conversation.assignee !== agent.employeeId) throw conversationNotFound();
  const seq = seqOfMessageId(conversationId, messageId);
  const entry = seq === undefined ? undefined : await deps.store.transcript.get(conversationId, seq);
  const delivery = isGap(entry) ? undefined : entry?.delivery;
  if (!entry || delivery?.target !== 'dialogstudio') {
    throw new NotFoundError('message_not_found', 'No such agent event in this conversation');
  }
  assertRedrivable(deps, conversation, entry as TranscriptEntry);
  if (delivery.status !== 'failed') {
    throw new ConflictError('not_failed', `The event is ${delivery.status}, not failed`);
  }
  await requeueFailed(deps, entry as TranscriptEntry);
  return { id: entry.id };
}
