import { createHash } from 'node:crypto';
import type {
  AgentMessageInput,
  ConversationsQuery,
  MessagesQuery,
  PresenceInput,
  TransferInput,
} from '#api/agent.ts';
import {
  agentName,
  agentView,
  ConversationGoneError,
  entryView,
  findDestination,
  isGap,
  type NewEntry,
  withIntent,
  withPrechatOf,
  writeToConversation,
} from '#domain/conversations.ts';
import type { Deps } from '#domain/deps.ts';
import {
  AppError,
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
import { messageId, parseCredential, secretMatches, seqOfMessageId } from '#domain/ids.ts';
import type { Agent, Conversation, TranscriptEntry } from '#domain/model.ts';
import { assertRedrivable, requeueFailed } from '#domain/outbox.ts';
import type { ConversationWrite, Guard, StoredConversation } from '#domain/ports.ts';
import { destinationHasOnline, isOnline } from '#domain/presence.ts';

/** The Agent API use cases (PRODUCT.md section 3): what an agent, or an agent application, asks of us. */

/** The agent whose bearer token this is; 401 for a missing, unknown or revoked token. */
export async function authenticateAgent(deps: Deps, authorization: string | undefined): Promise<Agent> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  const credential = parseCredential(token);
  const agent = credential && (await deps.store.directory.agents.get(credential.ownerId));
  if (!credential || !agent || agent.revoked || !secretMatches(credential.secret, agent.secretHash)) {
    throw new UnauthorizedError('Missing, unknown or revoked agent token');
  }
  return agent;
}

/** An agent sees the queues of its groups and its own queue (a conversation sent to it by employeeId). */
function queuesOf(agent: Agent): string[] {
  return [...agent.destinations, agent.employeeId];
}

export function conversationNotFound(): NotFoundError {
  return new NotFoundError('conversation_not_found', 'No such conversation among your destinations');
}

/** How many times an agent's change re-reads and re-checks after a concurrent change refused its write. */
const MAX_PASSES = 5;

/** Agent API lists stop before their answer passes this size, far below Lambda's 6 MB response limit. */
export const MAX_LIST_BYTES = 1024 * 1024;

/** The conversation, if the agent may see it; 404 alike for "missing" and "not yours", so ids leak nothing. */
async function visibleConversation(deps: Deps, agent: Agent, conversationId: string) {
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
async function changeAsAgent(
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
  throw new ConflictError('conversation_busy', 'The conversation kept changing; try again');
}

export function me(deps: Deps, agent: Agent) {
  return {
    ...employeeOf(agent, deps.config),
    destinations: agent.destinations,
    online: isOnline(agent, deps.now(), deps.config.PRESENCE_TIMEOUT_SECONDS),
  };
}

/**
 * Every agent group, whether DialogStudio sees it as online, and who is in it: what an agent needs to
 * transfer a conversation and to know who covers its groups. Nothing secret about the agents.
 */
export async function destinationsForAgents(deps: Deps) {
  const [destinations, agents] = await Promise.all([
    deps.store.directory.destinations.list(),
    deps.store.directory.agents.list(),
  ]);
  const now = deps.now();
  const timeout = deps.config.PRESENCE_TIMEOUT_SECONDS;
  const active = agents.filter((agent) => !agent.revoked);
  return {
    destinations: destinations.map(({ destinationId, name }) => ({
      destinationId,
      name,
      hasOnline: destinationHasOnline(destinationId, active, now, timeout),
      agents: active
        .filter((agent) => agent.destinations.includes(destinationId))
        .map((agent) => ({
          employeeId: agent.employeeId,
          firstName: agent.firstName,
          lastName: agent.lastName,
          online: isOnline(agent, now, timeout),
        })),
    })),
  };
}

/** Presence and its heartbeat: an agent counts as online while it repeats this within the timeout. */
export async function setPresence(deps: Deps, agent: Agent, input: PresenceInput) {
  const lastSeenAt = deps.now().toISOString();
  await deps.store.directory.agents.update(agent.employeeId, { online: input.online, lastSeenAt });
  const timeout = deps.config.PRESENCE_TIMEOUT_SECONDS;
  return { online: input.online, heartbeatSeconds: Math.max(1, Math.floor(timeout / 4)) };
}

/** A list's position: createdAt and id, the order of the queue index. */
function positionOf(conversation: Conversation): string {
  return `${conversation.createdAt}#${conversation.conversationId}`;
}

/** A list cursor: opaque to callers, the position of the last conversation returned (or looked at). */
function encodeCursor(position: string): string {
  return Buffer.from(position).toString('base64url');
}

function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^\d{4}-\d\d-\d\dT[\d:.]+Z#[\w-]{1,128}$/.test(decoded)) {
    throw new ValidationError('invalid_query', 'cursor: not a cursor this API gave out', [
      { path: 'cursor', message: 'not a cursor this API gave out' },
    ]);
  }
  return decoded;
}

/** Takes items while the answer (as agents see them) stays under the size limit; always at least one. */
function withinBytes<T>(items: T[], limit: number, view: (item: T) => unknown = (item) => item): T[] {
  const taken: T[] = [];
  let bytes = 0;
  for (const item of items.slice(0, limit)) {
    bytes += Buffer.byteLength(JSON.stringify(view(item)));
    if (taken.length > 0 && bytes > MAX_LIST_BYTES) break;
    taken.push(item);
  }
  return taken;
}

/**
 * The conversations the agent may see, oldest first, a page at a time: waiting and active ones unless
 * a status is asked for. `next` (pass it as `cursor`) is there while more remain.
 */
export async function listConversations(deps: Deps, agent: Agent, query: ConversationsQuery) {
  const queues = queuesOf(agent);
  if (query.destinationId && !queues.includes(query.destinationId)) {
    throw new NotFoundError('destination_not_found', 'No such destination among yours');
  }
  const limit = query.limit ?? 50;
  const after = decodeCursor(query.cursor);
  const wanted = query.destinationId ? [query.destinationId] : queues;
  const statuses: Conversation['status'][] = query.status ? [query.status] : ['waiting', 'active'];
  const lists = await Promise.all(
    wanted.flatMap((queue) =>
      statuses.map((status) => deps.store.conversations.queue(queue, status, { after, limit: limit + 1 })),
    ),
  );
  // A queue whose page stopped early is known only up to where it stopped: nothing past the earliest such
  // point is shown yet, so a conversation it has not read cannot be skipped by the cursor.
  const horizon = lists
    .map((list) => list.next)
    .filter((next): next is string => next !== undefined)
    .sort()[0];
  const sorted = lists
    .flatMap((list) => list.conversations)
    .filter((conversation) => horizon === undefined || positionOf(conversation) <= horizon)
    .sort((a, b) => (positionOf(a) < positionOf(b) ? -1 : 1));
  const page = withinBytes(sorted, limit, agentView);
  const last = page.at(-1);
  const more = sorted.length > page.length || horizon !== undefined;
  const next = last ? positionOf(last) : horizon;
  return {
    conversations: page.map(agentView),
    ...(more && next && { next: encodeCursor(next) }),
  };
}

/** Assigns the conversation to the agent. The write is guarded: of two agents one wins, the other gets 409. */
export async function accept(deps: Deps, agent: Agent, conversationId: string) {
  const { conversation } = await changeAsAgent(deps, agent, conversationId, (current) =>
    current.assignee === agent.employeeId
      ? undefined
      : {
          set: { status: 'active', assignee: agent.employeeId },
          queue: { ...current, status: 'active' },
          entries: [
            {
              content: {
                from: 'system',
                type: 'note',
                note: 'accepted',
                employeeId: agent.employeeId,
                text: `Accepted by ${agentName(agent)}`,
              },
            },
          ],
        },
  );
  return agentView(conversation);
}

/**
 * The transcript, oldest first, a page at a time after the message `after`: `next` (pass it as
 * `after`) is there while more remain. Gaps a crash left in the numbering are skipped.
 */
export async function transcript(deps: Deps, agent: Agent, conversationId: string, query: MessagesQuery) {
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

/** The entry and DialogStudio event of an agent's message: a TextMessage or a FileMessage. */
function agentMessage(
  deps: Deps,
  agent: Agent,
  input: AgentMessageInput,
  idempotencyKey: string | undefined,
): NewEntry {
  const employee = employeeOf(agent, deps.config);
  const file = input.url && {
    url: input.url,
    name: input.name ?? fileNameOf(input.url),
    size: input.size ?? 0,
    comment: input.comment ?? '',
  };
  const content = file
    ? { from: 'agent' as const, type: 'file' as const, ...file }
    : { from: 'agent' as const, type: 'text' as const, text: input.text };
  return {
    content: { ...content, employeeId: agent.employeeId, idempotencyKey },
    event: {
      target: 'dialogstudio',
      payload: ({ id }, { userId }) =>
        file
          ? fileMessageEvent(id, userId, employee, file)
          : textMessageEvent(id, userId, employee, input.text ?? ''),
    },
  };
}

/** Why a guarded message write was refused, told from the conversation as it is now. */
async function refusal(deps: Deps, agent: Agent, current: Conversation | undefined): Promise<Error> {
  if (!current || !queuesOf(agent).includes(current.destinationId)) return conversationNotFound();
  if (current.status === 'closed')
    return new ConflictError('conversation_closed', 'The conversation is closed');
  if (current.assignee && current.assignee !== agent.employeeId && !(await assigneeLapsed(deps, current))) {
    return assignedToOther();
  }
  return new ConflictError('not_accepted', 'Accept the conversation before sending to it');
}

/** One guarded write: visible, open and accepted by this agent, checked by the write that numbers the message. */
async function writeAgentMessage(
  deps: Deps,
  agent: Agent,
  conversationId: string,
  input: AgentMessageInput,
  idempotencyKey: string | undefined,
): Promise<{ id: string }> {
  try {
    const outcome = await writeToConversation(
      deps,
      conversationId,
      { guard: { destinationIn: queuesOf(agent), assigneeIs: agent.employeeId } },
      [agentMessage(deps, agent, input, idempotencyKey)],
    );
    if (!outcome.ok) throw await refusal(deps, agent, outcome.current);
    return { id: (outcome.entries[0] as TranscriptEntry).id };
  } catch (error) {
    if (error instanceof ConversationGoneError) throw await refusal(deps, agent, error.current);
    throw error;
  }
}

/** A claim older than this whose work never finished may be taken over by the same request. */
const STALE_CLAIM_MS = 30_000;
/** How long an Idempotency-Key is remembered: a repeat within this time gets the first answer back. */
const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

/**
 * Sends a TextMessage or FileMessage to the client; 202 with the event id, since delivery follows.
 * With an Idempotency-Key (the agent's own, remembered for a day) the first answer is kept: a repeat
 * gets it back and writes nothing. The key is looked at only once the agent is known to see and hold
 * the conversation, and a claim whose write was refused is let go, so a refused request claims
 * nothing. The entry carries the key too, so a repeat after a crash between the writes still finds it.
 */
export async function sendAgentMessage(
  deps: Deps,
  agent: Agent,
  conversationId: string,
  input: AgentMessageInput,
  idempotencyKey: string | undefined,
): Promise<{ id: string }> {
  if (!idempotencyKey) return writeAgentMessage(deps, agent, conversationId, input, undefined);

  const current = await deps.store.conversations.get(conversationId);
  if (!current || !queuesOf(agent).includes(current.destinationId)) throw conversationNotFound();
  if (current.assignee !== agent.employeeId) throw await refusal(deps, agent, current);

  const scope = { employeeId: agent.employeeId, conversationId };
  const now = deps.now();
  const fingerprint = fingerprintOf(agent, input);
  const claim = await deps.store.idempotency.claim(scope, idempotencyKey, {
    fingerprint,
    claimedAt: now.toISOString(),
    staleBefore: new Date(now.getTime() - STALE_CLAIM_MS).toISOString(),
    expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS).toISOString(),
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
    const since = new Date(Date.parse(claim.record.claimedAt) - STALE_CLAIM_MS).toISOString();
    const written = await deps.store.transcript.findByIdempotencyKey(conversationId, idempotencyKey, since);
    if (!written || written.employeeId !== agent.employeeId) {
      throw new ConflictError(
        'idempotency_in_progress',
        'A request with this Idempotency-Key is in progress',
      );
    }
    await deps.store.idempotency.complete(scope, idempotencyKey, { id: written.id });
    return { id: written.id };
  }
  let response: { id: string };
  try {
    response = await writeAgentMessage(deps, agent, conversationId, input, idempotencyKey);
  } catch (error) {
    if (error instanceof AppError) await deps.store.idempotency.release(scope, idempotencyKey, fingerprint);
    throw error;
  }
  await deps.store.idempotency.complete(scope, idempotencyKey, response);
  return response;
}

export async function closeByAgent(deps: Deps, agent: Agent, conversationId: string) {
  const employee = employeeOf(agent, deps.config);
  const closedAt = deps.now().toISOString();
  const { conversation, entries } = await changeAsAgent(deps, agent, conversationId, (current) => ({
    set: { status: 'closed', closedAt },
    queue: { ...current, status: 'closed' },
    entries: [
      {
        content: {
          from: 'system',
          type: 'note',
          note: 'closed_by_agent',
          employeeId: agent.employeeId,
          text: 'Closed by agent',
        },
        event: { target: 'dialogstudio', payload: ({ id }, { userId }) => closedEvent(id, userId, employee) },
      },
    ],
  }));
  await deps.store.conversations.releasePointer(conversation.channelId, conversation.userId, conversationId);
  return { ...agentView(conversation), eventId: entries[0]?.id };
}

export async function transfer(deps: Deps, agent: Agent, conversationId: string, input: TransferInput) {
  // For an agent an unknown id is its own mistake; DialogStudio's land in the default destination instead.
  const target = await findDestination(deps, input.destinationId);
  if (!target) {
    throw new ValidationError('unknown_destination', `destinationId: no destination ${input.destinationId}`, [
      { path: 'destinationId', message: 'no such destination or agent' },
    ]);
  }
  const agents = await deps.store.directory.agents.list();
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
  const { conversation, entries } = await changeAsAgent(deps, agent, conversationId, (current) => ({
    set: { destinationId: target.destinationId, status: 'waiting', assignee: undefined },
    queue: { ...current, destinationId: target.destinationId, status: 'waiting' },
    entries: [
      {
        content: {
          from: 'system',
          type: 'note',
          note: 'moved',
          employeeId: agent.employeeId,
          text: `Moved to ${target.name}`,
        },
        event: {
          target: 'dialogstudio',
          payload: ({ id }, { userId }) => selectDestinationEvent(id, userId, employee, destination),
        },
      },
    ],
  }));
  return { ...agentView(conversation), eventId: entries[0]?.id };
}

/**
 * An agent puts a failed event back in line (the CLI's redrive, for one event). Allowed to the
 * conversation's assignee, or while nobody holds it to any agent of its destination (404 to others,
 * and 404 unless the message is one of its events to DialogStudio); 409 `conversation_closed` once
 * closed unless the event is the `Closed` itself; 409 `not_failed` unless the event is `failed`.
 */
export async function retryEvent(deps: Deps, agent: Agent, conversationId: string, messageId: string) {
  const conversation = await visibleConversation(deps, agent, conversationId);
  if (conversation.assignee && conversation.assignee !== agent.employeeId) throw conversationNotFound();
  const seq = seqOfMessageId(conversationId, messageId);
  const entry = seq === undefined ? undefined : await deps.store.transcript.get(conversationId, seq);
  const delivery = isGap(entry) ? undefined : entry?.delivery;
  if (!entry || delivery?.target !== 'dialogstudio') {
    throw new NotFoundError('message_not_found', 'No such agent event in this conversation');
  }
  assertRedrivable(conversation, entry as TranscriptEntry);
  if (delivery.status !== 'failed') {
    throw new ConflictError('not_failed', `The event is ${delivery.status}, not failed`);
  }
  await requeueFailed(deps, entry as TranscriptEntry);
  return { id: entry.id };
}
