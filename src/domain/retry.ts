import type { Deps } from '#domain/deps.ts';
import { ConflictError, NotFoundError } from '#domain/errors.ts';
import type { Agent } from '#domain/model.ts';
import { redriven } from '#domain/outbox.ts';
import { getConversation } from '#store/conversations.ts';
import { seqOfMessageId } from '#store/keys.ts';
import { getEntry, saveDelivery } from '#store/transcript.ts';

/**
 * An agent puts a failed event of a conversation it may see back in line (the CLI's redrive, for one
 * event): 404 unless the conversation is among the agent's queues and the message is one of its agent
 * events (those that go to DialogStudio), 409 `not_failed` unless that event is `failed` right now.
 */
export async function retryAgentEvent(
  deps: Deps,
  agent: Agent,
  conversationId: string,
  messageId: string,
): Promise<{ id: string }> {
  const conversation = await getConversation(deps.db, conversationId);
  if (!conversation || ![...agent.destinations, agent.employeeId].includes(conversation.destinationId)) {
    throw new NotFoundError('conversation_not_found', 'No such conversation among your destinations');
  }
  const seq = seqOfMessageId(conversationId, messageId);
  const entry = seq === undefined ? undefined : await getEntry(deps.db, conversationId, seq);
  const delivery = entry?.delivery;
  if (!entry || delivery?.target !== 'dialogstudio') {
    throw new NotFoundError('message_not_found', 'No such agent event in this conversation');
  }
  const notFailed = new ConflictError('not_failed', `The event is ${delivery.status}, not failed`);
  if (delivery.status !== 'failed') throw notFailed;
  if (!(await saveDelivery(deps.db, entry, delivery, redriven(delivery, deps.now())))) throw notFailed;
  deps.outboxWritten(conversationId);
  return { id: entry.id };
}
