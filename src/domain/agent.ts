import { createHash } from 'node:crypto';
import type {
  AgentMessageInput,
  ConversationsQuery,
  MessagesQuery,
  PresenceInput,
  TransferInput,
} from '#domain/agent-schemas.ts';
import {
  agentName,
  agentView,
  appendToConversation,
  entryView,
  findDestination,
} from '#domain/conversations.ts';
import type { Deps } from '#domain/deps.ts';
import {
  ConflictError,
  NotFoundError,
  UnauthorizedError,
  UnprocessableError,
  ValidationError,
} from '#domain/errors.ts';
import {
  closedEvent,
  employeeOf,
  fileMessageEvent,
  selectDestinationEvent,
  textMessageEvent,
} from '#domain/events.ts';
import { parseCredential, secretMatches } from '#domain/ids.ts';
import type { Agent, Conversation } from '#domain/model.ts';
import { destinationHasOnline, isOnline } from '#domain/presence.ts';
import { agentsStore } from '#store/config-records.ts';
import { getConversation, listQueue, mutateConversation, releaseOpenPointer } from '#store/conversations.ts';
import { claimIdempotencyKey, completeIdempotencyKey } from '#store/idempotency.ts';
import { seqOfMessageId } from '#store/keys.ts';
import { listEntries } from '#store/transcript.ts';

/** The Agent API use cases (PRODUCT.md section 3): what an agent, or an agent application, asks of us. */

/** The agent whose bearer token this is; 401 for a missing, unknown or revoked token. */
export async function authenticateAgent(deps: Deps, authorization: string | undefined): Promise<Agent> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  const credential = parseCredential(token);
  const agent = credential && (await agentsStore.get(deps.db, credential.ownerId));
  if (!credential || !agent || agent.revoked || !secretMatches(credential.secret, agent.secretHash)) {
    throw new UnauthorizedError('Missing, unknown or revoked agent token');
  }
  return agent;
}

/** An agent sees the queues of its groups and its own queue (a conversation sent to it by employeeId). */
function queuesOf(agent: Agent): string[] {
  return [...agent.destinations, agent.employeeId];
}

function conversationNotFound(): NotFoundError {
  return new NotFoundError('conversation_not_found', 'No such conversation among your destinations');
}

/** The conversation, if the agent may see it; 404 alike for "missing" and "not yours", so ids leak nothing. */
async function visibleConversation(deps: Deps, agent: Agent, conversationId: string): Promise<Conversation> {
  const conversation = await getConversation(deps.db, conversationId);
  if (!conversation || !queuesOf(agent).includes(conversation.destinationId)) throw conversationNotFound();
  return conversation;
}

function assertOpen(conversation: Conversation) {
  if (conversation.status === 'closed') {
    throw new ConflictError('conversation_closed', 'The conversation is closed');
  }
}

/** Closing or transferring is for the agent who accepted, or for anyone while nobody has. */
function assertNotSomeoneElses(agent: Agent, conversation: Conversation) {
  if (conversation.assignee && conversation.assignee !== agent.employeeId) {
    throw new ConflictError('assigned_to_other', 'Another agent has accepted this conversation');
  }
}

/**
 * Changes a conversation on the agent's behalf, in one optimistic read-modify-write: the rules are
 * checked on the version being written, so a conversation that moved or closed meanwhile is refused.
 */
function changeAsAgent(
  deps: Deps,
  agent: Agent,
  conversationId: string,
  change: (current: Conversation) => Partial<Conversation>,
): Promise<Conversation> {
  return mutateConversation(deps.db, conversationId, (current) => {
    if (!queuesOf(agent).includes(current.destinationId)) throw conversationNotFound();
    assertOpen(current);
    assertNotSomeoneElses(agent, current);
    return change(current);
  });
}

export function me(deps: Deps, agent: Agent) {
  return {
    ...employeeOf(agent, deps.config),
    destinations: agent.destinations,
    online: isOnline(agent, deps.now(), deps.config.PRESENCE_TIMEOUT_SECONDS),
  };
}

/** Presence and its heartbeat: an agent counts as online while it repeats this within the timeout. */
export async function setPresence(deps: Deps, agent: Agent, input: PresenceInput) {
  const lastSeenAt = deps.now().toISOString();
  await agentsStore.update(deps.db, agent.employeeId, { online: input.online, lastSeenAt });
  const timeout = deps.config.PRESENCE_TIMEOUT_SECONDS;
  return { online: input.online, heartbeatSeconds: Math.max(1, Math.floor(timeout / 4)) };
}

export async function listConversations(deps: Deps, agent: Agent, query: ConversationsQuery) {
  const queues = queuesOf(agent);
  if (query.destinationId && !queues.includes(query.destinationId)) {
    throw new NotFoundError('destination_not_found', 'No such destination among yours');
  }
  const wanted = query.destinationId ? [query.destinationId] : queues;
  const lists = await Promise.all(wanted.map((queue) => listQueue(deps.db, queue, query.status)));
  const conversations = lists.flat().sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return { conversations: conversations.map(agentView) };
}

/** Assigns the conversation to the agent. Optimistic locking makes it a conditional write: one of two wins. */
export async function accept(deps: Deps, agent: Agent, conversationId: string) {
  let accepted = false;
  const conversation = await changeAsAgent(deps, agent, conversationId, (current) => {
    accepted = current.assignee !== agent.employeeId;
    return { status: 'active', assignee: agent.employeeId };
  });
  if (accepted) {
    await appendToConversation(deps, conversation, {
      from: 'system',
      type: 'note',
      note: 'accepted',
      employeeId: agent.employeeId,
      text: `Accepted by ${agentName(agent)}`,
    });
  }
  return agentView(conversation);
}

export async function transcript(deps: Deps, agent: Agent, conversationId: string, query: MessagesQuery) {
  await visibleConversation(deps, agent, conversationId);
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
  const entries = await listEntries(deps.db, conversationId, afterSeq);
  return { messages: entries.map(entryView) };
}

/** A FileMessage always has a name: the last part of the URL's path when the agent gave none. */
function fileNameOf(url: string): string {
  const last = new URL(url).pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(last) || 'file';
  } catch {
    return last || 'file';
  }
}

function fingerprintOf(agent: Agent, input: AgentMessageInput): string {
  return createHash('sha256')
    .update(JSON.stringify([agent.employeeId, input]))
    .digest('hex');
}

async function writeAgentMessage(
  deps: Deps,
  agent: Agent,
  conversation: Conversation,
  input: AgentMessageInput,
  idempotencyKey: string | undefined,
) {
  const employee = employeeOf(agent, deps.config);
  const { userId } = conversation;
  const file = input.url && {
    url: input.url,
    name: input.name ?? fileNameOf(input.url),
    size: input.size ?? 0,
    comment: input.comment ?? '',
  };
  const content = file
    ? { from: 'agent' as const, type: 'file' as const, ...file }
    : { from: 'agent' as const, type: 'text' as const, text: input.text };
  const entry = await appendToConversation(
    deps,
    conversation,
    { ...content, employeeId: agent.employeeId, idempotencyKey },
    ({ id }) => ({
      target: 'dialogstudio',
      payload: file
        ? fileMessageEvent(id, userId, employee, file)
        : textMessageEvent(id, userId, employee, input.text ?? ''),
    }),
  );
  return { id: entry.id };
}

/**
 * Sends a TextMessage or FileMessage to the client; 202 with the event id, since delivery follows.
 * With an Idempotency-Key the first answer is kept: a repeat gets it back and writes nothing. The
 * entry carries the key too, so a repeat after a crash between the two writes still finds it.
 */
export async function sendAgentMessage(
  deps: Deps,
  agent: Agent,
  conversationId: string,
  input: AgentMessageInput,
  idempotencyKey: string | undefined,
): Promise<{ id: string }> {
  const conversation = await visibleConversation(deps, agent, conversationId);
  assertOpen(conversation);
  if (conversation.assignee !== agent.employeeId) {
    assertNotSomeoneElses(agent, conversation);
    throw new ConflictError('not_accepted', 'Accept the conversation before sending to it');
  }
  if (!idempotencyKey) return writeAgentMessage(deps, agent, conversation, input, undefined);

  const now = deps.now();
  const fingerprint = fingerprintOf(agent, input);
  const claim = await claimIdempotencyKey(deps.db, conversationId, idempotencyKey, {
    fingerprint,
    claimedAt: now.toISOString(),
    staleBefore: new Date(now.getTime() - 30_000).toISOString(),
  });
  if (!claim.claimed) {
    if (claim.record.fingerprint !== fingerprint) {
      throw new UnprocessableError(
        'idempotency_key_reused',
        'This Idempotency-Key came with another request',
        [{ path: 'Idempotency-Key', message: 'already used for a different request' }],
      );
    }
    if (claim.record.response) return claim.record.response as { id: string };
    const written = (await listEntries(deps.db, conversationId)).find(
      (entry) => entry.idempotencyKey === idempotencyKey,
    );
    if (!written) {
      throw new ConflictError(
        'idempotency_in_progress',
        'A request with this Idempotency-Key is in progress',
      );
    }
    await completeIdempotencyKey(deps.db, conversationId, idempotencyKey, { id: written.id });
    return { id: written.id };
  }
  const response = await writeAgentMessage(deps, agent, conversation, input, idempotencyKey);
  await completeIdempotencyKey(deps.db, conversationId, idempotencyKey, response);
  return response;
}

export async function closeByAgent(deps: Deps, agent: Agent, conversationId: string) {
  const closedAt = deps.now().toISOString();
  const closed = await changeAsAgent(deps, agent, conversationId, () => ({ status: 'closed', closedAt }));
  await releaseOpenPointer(deps.db, closed.channelId, closed.userId, conversationId);
  const employee = employeeOf(agent, deps.config);
  const entry = await appendToConversation(
    deps,
    closed,
    {
      from: 'system',
      type: 'note',
      note: 'closed_by_agent',
      employeeId: agent.employeeId,
      text: 'Closed by agent',
    },
    ({ id }) => ({ target: 'dialogstudio', payload: closedEvent(id, closed.userId, employee) }),
  );
  return { ...agentView(closed), eventId: entry.id };
}

export async function transfer(deps: Deps, agent: Agent, conversationId: string, input: TransferInput) {
  // For an agent an unknown id is its own mistake; DialogStudio's land in the default destination instead.
  const target = await findDestination(deps, input.destinationId);
  if (!target) {
    throw new ValidationError('unknown_destination', `destinationId: no destination ${input.destinationId}`, [
      { path: 'destinationId', message: 'no such destination or agent' },
    ]);
  }
  const moved = await changeAsAgent(deps, agent, conversationId, () => ({
    destinationId: target.destinationId,
    status: 'waiting',
    assignee: undefined,
  }));
  const agents = await agentsStore.list(deps.db);
  const destination = {
    ...target,
    hasOnline: destinationHasOnline(
      target.destinationId,
      agents,
      deps.now(),
      deps.config.PRESENCE_TIMEOUT_SECONDS,
    ),
  };
  const employee = employeeOf(agent, deps.config);
  const entry = await appendToConversation(
    deps,
    moved,
    {
      from: 'system',
      type: 'note',
      note: 'moved',
      employeeId: agent.employeeId,
      text: `Moved to ${target.name}`,
    },
    ({ id }) => ({
      target: 'dialogstudio',
      payload: selectDestinationEvent(id, moved.userId, employee, destination),
    }),
  );
  return { ...agentView(moved), eventId: entry.id };
}
