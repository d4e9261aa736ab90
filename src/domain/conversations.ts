import type { Deps } from '#domain/deps.ts';
import { messageId, newId } from '#domain/ids.ts';
import type {
  Agent,
  Channel,
  Conversation,
  Delivery,
  DeliveryTarget,
  TranscriptEntry,
} from '#domain/model.ts';
import type { ConversationWrite, Gap, OpenPointer, StoredConversation } from '#domain/ports.ts';

export interface ResolvedDestination {
  destinationId: string;
  name: string;
  /** False when the requested id was unknown and the channel's default was used instead. */
  known: boolean;
}

export function agentName(agent: Pick<Agent, 'firstName' | 'lastName'>): string {
  return `${agent.firstName} ${agent.lastName}`.trim();
}

/** The agent group, or the single (unrevoked) agent, that a destination id names; undefined for neither. */
export async function findDestination(
  deps: Deps,
  destinationId: string,
): Promise<{ destinationId: string; name: string } | undefined> {
  const group = await deps.store.directory.destinations.get(destinationId);
  if (group) return { destinationId: group.destinationId, name: group.name };
  const agent = await deps.store.directory.agents.get(destinationId);
  if (agent && !agent.revoked) return { destinationId: agent.employeeId, name: agentName(agent) };
  return undefined;
}

/** A destination id names an agent group or a single agent; anything else lands in the channel's default. */
export async function resolveDestination(
  deps: Deps,
  channel: Channel,
  requestedId: string | undefined,
): Promise<ResolvedDestination> {
  const found = requestedId ? await findDestination(deps, requestedId) : undefined;
  if (found) return { ...found, known: true };
  const fallback = await deps.store.directory.destinations.get(channel.defaultDestinationId);
  return {
    destinationId: channel.defaultDestinationId,
    name: fallback?.name ?? channel.defaultDestinationId,
    known: requestedId === undefined,
  };
}

export function newDelivery(target: DeliveryTarget, payload: Record<string, unknown>, at: string): Delivery {
  return { target, status: 'pending', payload, attempts: 0, createdAt: at, nextAttemptAt: at };
}

/** What an agent (or agent platform) may see of a conversation: everything but the hidden attributes. */
export function agentView(conversation: Conversation & { lastSeq?: number }) {
  const { hiddenAttributes: _hidden, lastSeq: _seq, ...visible } = conversation;
  return visible;
}

/** What an agent may see of a transcript entry: the outbox payload and routing stay internal. */
export function entryView(entry: TranscriptEntry) {
  const { delivery, channelId: _channel, idempotencyKey: _key, ...rest } = entry;
  if (!delivery) return rest;
  const { payload: _payload, ...state } = delivery;
  return { ...rest, delivery: state };
}

export function isGap(entry: TranscriptEntry | Gap | undefined): entry is Gap {
  return (entry as Gap | undefined)?.gap === true;
}

type EntryContent = Omit<
  TranscriptEntry,
  'id' | 'seq' | 'conversationId' | 'channelId' | 'createdAt' | 'delivery'
>;

/** An entry to write, and the event it carries for one target, built once its id and conversation are known. */
export interface NewEntry {
  content: EntryContent;
  event?: {
    target: DeliveryTarget;
    payload: (entry: TranscriptEntry, conversation: Conversation) => Record<string, unknown>;
  };
}

function buildEntry(conversation: Conversation, seq: number, at: string, entry: NewEntry): TranscriptEntry {
  const built: TranscriptEntry = {
    ...entry.content,
    id: messageId(conversation.conversationId, seq),
    seq,
    conversationId: conversation.conversationId,
    channelId: conversation.channelId,
    createdAt: at,
  };
  if (!entry.event) return built;
  return {
    ...built,
    delivery: newDelivery(entry.event.target, entry.event.payload(built, conversation), at),
  };
}

/** How many times an entry whose number was given up on may take a new one before it is an error. */
const MAX_RENUMBER = 5;

export type WriteOutcome =
  | { ok: true; conversation: StoredConversation; entries: TranscriptEntry[] }
  | { ok: false; current: StoredConversation | undefined };

/**
 * Writes to a conversation through its counter: one conditional update of the conversation item takes
 * the entries' numbers (and applies the change, under its guard), then each entry is put at its
 * number. If a deliverer meanwhile gave a number up as a gap (a writer that took so long looks like
 * one that crashed), that entry takes a new number: nothing a user sent is lost, and nothing is ever
 * numbered after the close.
 */
export async function writeToConversation(
  deps: Deps,
  conversationId: string,
  change: Omit<ConversationWrite, 'at' | 'entries' | 'outbox'>,
  entries: NewEntry[],
): Promise<WriteOutcome> {
  const at = deps.now().toISOString();
  const outbox = entries.some((entry) => entry.event);
  const result = await deps.store.conversations.write(conversationId, {
    ...change,
    at,
    entries: entries.length,
    outbox,
  });
  if (!result.ok) return result;
  const built = entries.map((entry, i) => buildEntry(result.conversation, result.firstSeq + i, at, entry));
  const written = await putEntries(deps, result.conversation, built, entries, change.guard);
  if (outbox) deps.outboxWritten(conversationId);
  return { ok: true, conversation: result.conversation, entries: written };
}

async function putEntries(
  deps: Deps,
  conversation: StoredConversation,
  built: TranscriptEntry[],
  entries: NewEntry[],
  guard: ConversationWrite['guard'],
): Promise<TranscriptEntry[]> {
  const taken = new Set(await deps.store.transcript.put(built));
  const written = [...built];
  for (const [i, entry] of built.entries()) {
    if (!taken.has(entry.seq)) continue;
    const again = await renumber(deps, conversation.conversationId, entries[i] as NewEntry, guard);
    written[i] = again;
  }
  return written;
}

async function renumber(
  deps: Deps,
  conversationId: string,
  entry: NewEntry,
  guard: ConversationWrite['guard'],
): Promise<TranscriptEntry> {
  // A taken number means a gap was filled there, or the counter is behind its entries (data written
  // before the counter existed): it is brought up to the last entry before the next number is taken.
  await deps.store.conversations.catchUpCounter(conversationId);
  for (let attempt = 0; attempt < MAX_RENUMBER; attempt++) {
    const outcome = await writeToConversation(deps, conversationId, { guard }, [entry]);
    if (!outcome.ok) throw new ConversationGoneError(outcome.current);
    const [written] = outcome.entries;
    if (written) return written;
  }
  throw new Error('an entry could not take a free number');
}

/** The conversation closed (or vanished) between taking a number and writing the entry. */
export class ConversationGoneError extends Error {
  constructor(readonly current: StoredConversation | undefined) {
    super('conversation closed while writing');
  }
}

/**
 * A client-side entry (message, file, opened, closed by client). When the channel has an agent
 * platform, the entry is also its Standard Webhooks notification, hidden attributes left out.
 */
export function clientEntry(channel: Channel, content: EntryContent, notificationType: string): NewEntry {
  if (!channel.agentPlatformUrl) return { content };
  return {
    content,
    event: {
      target: 'platform',
      payload: (entry, conversation) => ({
        type: notificationType,
        timestamp: entry.createdAt,
        data: { conversation: agentView(conversation), message: entryView(entry) },
      }),
    },
  };
}

/** How long after its opening a pointer without a conversation counts as an opening under way (or interrupted). */
const OPENING_WINDOW_MS = 3_600_000;

/**
 * Heals what a crash between two writes can leave behind a pointer: a conversation that was never
 * created is created from the record the pointer carries; a pointer to a closed (or long-gone)
 * conversation counts as released and is let go.
 */
export async function healPointer(
  deps: Deps,
  pointer: OpenPointer,
  current: StoredConversation | undefined,
): Promise<void> {
  const { channelId, userId } = pointer.opening;
  if (current && current.status !== 'closed') return;
  const fresh = deps.now().getTime() - Date.parse(pointer.createdAt) < OPENING_WINDOW_MS;
  if (!current && fresh) {
    await deps.store.conversations.create(pointer.opening, 0, false);
    return;
  }
  await deps.store.conversations.releasePointer(channelId, userId, pointer.conversationId);
}

export interface OpenDetails {
  userName?: string;
  attributes?: Record<string, unknown>;
  hiddenAttributes?: Record<string, unknown>;
  customData?: Record<string, unknown>;
}

function openedNote(destination: ResolvedDestination): EntryContent {
  return { from: 'system', type: 'note', note: 'opened', text: `Conversation opened in ${destination.name}` };
}

export function unknownDestinationNote(destination: ResolvedDestination): NewEntry {
  return {
    content: {
      from: 'system',
      type: 'note',
      note: 'unknown_destination',
      text: `Requested destination is unknown; routed to ${destination.name}`,
    },
  };
}

/**
 * Opens a conversation for the user in `destination` with `first` as its first entries after the
 * notes, or answers undefined when another request holds the user's pointer (the caller then uses
 * that conversation). The pointer is claimed first and carries the whole record, so a crash before
 * the conversation exists is finished by the next request instead of blocking the user.
 */
export async function openConversation(
  deps: Deps,
  channel: Channel,
  userId: string,
  destination: ResolvedDestination,
  details: OpenDetails,
  first: NewEntry[],
): Promise<{ conversation: StoredConversation; entries: TranscriptEntry[] } | undefined> {
  const createdAt = deps.now().toISOString();
  const conversation: Conversation = {
    conversationId: newId('cv'),
    channelId: channel.channelId,
    userId,
    userName: details.userName?.trim() || `${channel.name} ${userId}`,
    destinationId: destination.destinationId,
    status: 'waiting',
    attributes: details.attributes ?? {},
    hiddenAttributes: details.hiddenAttributes ?? {},
    customData: details.customData ?? {},
    createdAt,
    lastMessageAt: createdAt,
  };
  const pointer = { conversationId: conversation.conversationId, createdAt, opening: conversation };
  if (!(await deps.store.conversations.claimPointer(channel.channelId, userId, pointer))) return undefined;

  const entries: NewEntry[] = [
    clientEntry(channel, openedNote(destination), 'conversation.opened'),
    ...(destination.known ? [] : [unknownDestinationNote(destination)]),
    ...first,
  ];
  const outbox = entries.some((entry) => entry.event);
  if (!(await deps.store.conversations.create(conversation, entries.length, outbox))) {
    // Another request finished this opening first (see healPointer): write like any other writer.
    const outcome = await writeToConversation(deps, conversation.conversationId, {}, entries);
    if (!outcome.ok) return undefined;
    return {
      conversation: outcome.conversation,
      entries: outcome.entries.slice(entries.length - first.length),
    };
  }
  const stored: StoredConversation = { ...conversation, lastSeq: entries.length };
  const built = entries.map((entry, i) => buildEntry(conversation, i + 1, createdAt, entry));
  const written = await putEntries(deps, stored, built, entries, undefined);
  if (outbox) deps.outboxWritten(conversation.conversationId);
  return { conversation: stored, entries: written.slice(entries.length - first.length) };
}

/** How many times a request follows a stale pointer before it gives up (each pass heals one thing). */
const MAX_POINTER_PASSES = 5;

/**
 * Appends to the user's open conversation, or opens one in the channel's default destination: a
 * client's message is never dropped. Pointers that a crash left behind are healed on the way.
 */
export async function appendForUser(
  deps: Deps,
  channel: Channel,
  userId: string,
  entry: NewEntry,
): Promise<{ conversation: StoredConversation; entry: TranscriptEntry }> {
  for (let pass = 0; pass < MAX_POINTER_PASSES; pass++) {
    const pointer = await deps.store.conversations.pointer(channel.channelId, userId);
    if (!pointer) {
      const destination = await resolveDestination(deps, channel, undefined);
      const opened = await openConversation(deps, channel, userId, destination, {}, [entry]);
      if (opened) return { conversation: opened.conversation, entry: opened.entries[0] as TranscriptEntry };
      continue;
    }
    try {
      const outcome = await writeToConversation(deps, pointer.conversationId, {}, [entry]);
      if (outcome.ok)
        return { conversation: outcome.conversation, entry: outcome.entries[0] as TranscriptEntry };
      await healPointer(deps, pointer, outcome.current);
    } catch (error) {
      if (!(error instanceof ConversationGoneError)) throw error;
      await healPointer(deps, pointer, error.current);
    }
  }
  throw new Error('no open conversation could be reached for the user');
}
