import type { Conversation, TranscriptEntry } from '#domain/conversations/model.ts';
import type { ConversationWrite, Guard, StoredConversation } from '#domain/conversations/ports.ts';
import {
  ConversationGoneError,
  type NewEntry,
  withPrechatOf,
  writeToConversation,
} from '#domain/conversations/writes.ts';
import { queuesOf } from '#domain/directory/agents.ts';
import type { Agent } from '#domain/directory/model.ts';
import { MAX_PASSES } from '#domain/shared/contention.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { ConflictError, ContentionError, NotFoundError } from '#domain/shared/errors.ts';

export function conversationNotFound(): NotFoundError {
  return new NotFoundError('conversation_not_found', 'No such conversation among your destinations');
}

/**
 * What the Agent API's use cases share: whether an agent may see and change a conversation, and the
 * guarded write an agent's change goes through.
 */

/** The conversation, if the agent may see it; 404 alike for "missing" and "not yours", so ids leak nothing. */
export async function visibleConversation(deps: Deps, agent: Agent, conversationId: string) {
  const conversation = await deps.store.conversations.get(conversationId);
  if (!conversation || !queuesOf(agent).includes(conversation.destinationId)) throw conversationNotFound();
  return conversation;
}

function assertOpen(conversation: Conversation) {
  if (conversation.status === 'closed') {
    throw new ConflictError('conversation_closed', 'The conversation is closed');
  }
}

function assignedToOther(): ConflictError {
  return new ConflictError('assigned_to_other', 'Another agent has accepted this conversation');
}

/**
 * Whether the conversation's assignee no longer holds it: revoked, removed, or no longer in its
 * destination. Such a conversation counts as nobody's, so another agent can act on it.
 */
async function assigneeLapsed(deps: Deps, conversation: Conversation): Promise<boolean> {
  if (!conversation.assignee) return false;
  const holder = await deps.store.directory.agents.get(conversation.assignee);
  return !holder || holder.revoked || !queuesOf(holder).includes(conversation.destinationId);
}

/**
 * Reads the conversation and checks that the agent may change it: visible, open, and nobody else's
 * (a lapsed assignee counts as nobody). The guard makes the write itself re-check all of it.
 */
async function actable(deps: Deps, agent: Agent, conversationId: string) {
  const current = await visibleConversation(deps, agent, conversationId);
  assertOpen(current);
  const guard: Guard = { destinationIn: queuesOf(agent) };
  if (current.assignee && current.assignee !== agent.employeeId) {
    if (!(await assigneeLapsed(deps, current))) throw assignedToOther();
    guard.takeoverFrom = current.assignee;
  } else {
    guard.assigneeFreeFor = agent.employeeId;
  }
  return { current, guard };
}

interface AgentChange {
  set: ConversationWrite['set'];
  queue?: ConversationWrite['queue'];
  entries: NewEntry[];
}

/**
 * An agent's change to a conversation, in one guarded write that also numbers its entries: the rules
 * are checked on the read and again by the write, so a conversation that moved, closed or was taken
 * meanwhile is read and judged again. `plan` returns undefined when there is nothing to change.
 */
export async function changeAsAgent(
  deps: Deps,
  agent: Agent,
  conversationId: string,
  plan: (current: StoredConversation) => AgentChange | undefined,
): Promise<{ conversation: StoredConversation; entries: TranscriptEntry[] }> {
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const { current, guard } = await actable(deps, agent, conversationId);
    const change = plan(current);
    if (!change) return { conversation: current, entries: [] };
    try {
      const outcome = await writeToConversation(
        deps,
        conversationId,
        { set: change.set, queue: change.queue, guard },
        change.entries,
      );
      // The write leaves the conversation item; the pre-chat data, on its own item, is as read.
      if (outcome.ok) {
        return { conversation: withPrechatOf(outcome.conversation, current), entries: outcome.entries };
      }
    } catch (error) {
      if (!(error instanceof ConversationGoneError)) throw error;
    }
  }
  throw new ContentionError();
}

/** Why a guarded message write was refused, told from the conversation as it is now. */
export async function refusal(deps: Deps, agent: Agent, current: Conversation | undefined): Promise<Error> {
  if (!current || !queuesOf(agent).includes(current.destinationId)) return conversationNotFound();
  if (current.status === 'closed')
    return new ConflictError('conversation_closed', 'The conversation is closed');
  if (current.assignee && current.assignee !== agent.employeeId && !(await assigneeLapsed(deps, current))) {
    return assignedToOther();
  }
  return new ConflictError('not_accepted', 'Accept the conversation before sending to it');
}
