import type { TranscriptEntry } from '#domain/conversations/model.ts';
import type {
  ConversationState,
  ConversationWrite,
  Gap,
  Prechat,
  StoredConversation,
} from '#domain/conversations/ports.ts';
import { newDelivery } from '#domain/outbox/delivery.ts';
import type { DeliveryTarget } from '#domain/outbox/model.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { ContentionError } from '#domain/shared/errors.ts';
import { messageId, newId } from '#domain/shared/ids.ts';

export type EntryContent = Omit<
  TranscriptEntry,
  'id' | 'seq' | 'conversationId' | 'channelId' | 'createdAt' | 'delivery'
>;

/** A conversation as an event is built from: its pre-chat data is there where the event needs it (see `withPrechatFor`). */
export type ConversationView = ConversationState & Partial<Prechat>;

/** An entry to write, and the event it carries for one target, built once its id and conversation are known. */
export interface NewEntry {
  content: EntryContent;
  event?: {
    target: DeliveryTarget;
    payload: (entry: TranscriptEntry, conversation: ConversationView) => Record<string, unknown>;
  };
}

export function buildEntry(
  conversation: ConversationView,
  seq: number,
  at: string,
  entry: NewEntry,
  writeId: string,
): TranscriptEntry {
  const built: TranscriptEntry = {
    ...entry.content,
    id: messageId(conversation.conversationId, seq),
    seq,
    conversationId: conversation.conversationId,
    channelId: conversation.channelId,
    createdAt: at,
    writeId,
  };
  if (!entry.event) return built;
  return {
    ...built,
    delivery: newDelivery(entry.event.target, entry.event.payload(built, conversation), at),
  };
}

/** How many times an entry whose number was given up on may take a new one before it is an error. */
const MAX_RENUMBER = 5;

/**
 * How many times a state change reads again after another write took the number it meant to take; when
 * they run out, the answer is the one of every retry loop (see shared/contention.ts).
 */
const MAX_STATE_PASSES = 10;

export type WriteOutcome =
  | { ok: true; conversation: ConversationView; entries: TranscriptEntry[] }
  | { ok: false; current: StoredConversation | undefined };

type Change = Omit<ConversationWrite, 'at' | 'entries' | 'outbox' | 'writeId' | 'expectLastSeq' | 'intent'>;

function changesState(change: Change): boolean {
  return change.set?.status !== undefined || change.set?.destinationId !== undefined;
}

/**
 * A conversation starts waiting whenever a write puts it in a queue as `waiting` (a transfer, a move,
 * a return to the queue; the opening sets it on the record): the same update records when.
 */
function withWaitingSince(change: Change, at: string): Change {
  if (change.set?.status !== 'waiting') return change;
  return { ...change, set: { ...change.set, waitingSince: at } };
}

/**
 * Writes to a conversation through its counter: one conditional update of the conversation item takes
 * the entries' numbers (and applies the change, under its guard), then each entry is put at its
 * number. Every write carries its own id, so a write the SDK sends again after an error for a landed
 * one is recognised, never numbered or stored twice. A state change (status or destination) keeps its
 * entries on the item in the same update (see `writeStateChange`). A plain message whose number a
 * deliverer meanwhile gave up as a gap (a writer that took so long looks like one that crashed) takes
 * a new number: nothing a user sent is lost, and nothing is ever numbered after the close.
 */
export async function writeToConversation(
  deps: Deps,
  conversationId: string,
  change: Change,
  entries: NewEntry[],
): Promise<WriteOutcome> {
  if (changesState(change)) return writeStateChange(deps, conversationId, change, entries, newId('wr'));
  return writeMessage(deps, conversationId, change, entries);
}

/**
 * The plain write of `writeToConversation`: entries without a status or destination change. Its own
 * function, so that a caller that never changes state (automatic replies, in the delivery sweep's small
 * bundle) does not carry the state-change path.
 */
export async function writeMessage(
  deps: Deps,
  conversationId: string,
  change: Omit<Change, 'set' | 'queue'>,
  entries: NewEntry[],
): Promise<WriteOutcome> {
  const writeId = newId('wr');
  const at = deps.now().toISOString();
  const outbox = entries.some((entry) => entry.event);
  const result = await deps.store.conversations.write(conversationId, {
    ...change,
    at,
    entries: entries.length,
    outbox,
    writeId,
  });
  if (!result.ok) return result;
  const conversation = await withPrechatFor(deps, result.conversation, entries);
  const built = entries.map((entry, i) => buildEntry(conversation, result.firstSeq + i, at, entry, writeId));
  const written = await putEntries(deps, conversationId, built, entries, change.guard);
  if (outbox) deps.outboxWritten(conversationId);
  return { ok: true, conversation, entries: written };
}

/**
 * The client's first message with the bot conversation it carried (`history`, see history.ts), in one
 * numbered write: the turns before the message, kept on the item as its intent like a state change's
 * entries (so a crash before their puts leaves them to whoever finds them missing), the message after
 * them as any client message is written. Refused, with the conversation as it is, once the client has
 * written anything: then the message is an ordinary one.
 */
export async function writeFirstClientMessage(
  deps: Deps,
  conversationId: string,
  history: NewEntry[],
  message: NewEntry,
): Promise<WriteOutcome> {
  const change: Change = {
    set: { awaitsFirstClientMessage: undefined },
    guard: { awaitsFirstClientMessage: true },
  };
  return writeStateChange(deps, conversationId, change, [...history, message], newId('wr'), history.length);
}

/** The conversation as a write left it, with the pre-chat data (an item of its own) as read before. */
export function withPrechatOf(state: ConversationState, read: Prechat): StoredConversation {
  const { attributes, hiddenAttributes, customData } = read;
  return { ...state, attributes, hiddenAttributes, customData };
}

/**
 * The conversation an event is built from: an agent platform's notification carries the conversation
 * as agents see it, pre-chat data included, read from its own item; nothing else needs it.
 */
async function withPrechatFor(
  deps: Deps,
  conversation: ConversationState,
  entries: NewEntry[],
): Promise<ConversationView> {
  if (!entries.some((entry) => entry.event?.target === 'platform')) return conversation;
  return { ...conversation, ...(await deps.store.conversations.prechat(conversation.conversationId)) };
}

/**
 * A state change and its entries cannot come apart: the update that changes the status or destination
 * also takes the next numbers (refused if another write took them first: then it reads again) and
 * keeps the entries, numbered, on the item as its intent. If the puts that follow never arrive (a
 * crash, a timeout, a put later than the gap grace), whoever finds the number missing writes the entry
 * from there: the next state change before it replaces the intent, the gap filler, a reader. DynamoDB
 * transactions would do it too, but dynalite (the local runtime's store) has none; one item does it
 * on both. Only the first `kept` entries are the intent; any after them are written like a plain
 * message's (a number given up as a gap meanwhile: a new one).
 */
async function writeStateChange(
  deps: Deps,
  conversationId: string,
  requested: Change,
  entries: NewEntry[],
  writeId: string,
  kept = entries.length,
): Promise<WriteOutcome> {
  const at = deps.now().toISOString();
  const change = withWaitingSince(requested, at);
  const outbox = entries.some((entry) => entry.event);
  for (let pass = 0; pass < MAX_STATE_PASSES; pass++) {
    const current = await deps.store.conversations.get(conversationId);
    if (!current || current.status === 'closed') return { ok: false, current };
    // The client has written already: the update would be refused, so it is not sent.
    if (change.guard?.awaitsFirstClientMessage && !current.awaitsFirstClientMessage) {
      return { ok: false, current };
    }
    await writeIntent(deps, current);
    const after: StoredConversation = { ...current, ...change.set, lastMessageAt: at };
    const built = entries.map((entry, i) => buildEntry(after, current.lastSeq + 1 + i, at, entry, writeId));
    const result = await deps.store.conversations.write(conversationId, {
      ...change,
      at,
      entries: entries.length,
      outbox,
      writeId,
      expectLastSeq: current.lastSeq,
      intent: built.slice(0, kept),
    });
    if (result.ok) {
      const taken = await deps.store.transcript.put(built.slice(0, kept));
      if (taken.length > 0) throw new Error('an entry of a state change found its number taken');
      const rest =
        kept < built.length
          ? await putEntries(deps, conversationId, built.slice(kept), entries.slice(kept), undefined)
          : [];
      if (outbox) deps.outboxWritten(conversationId);
      const conversation = withPrechatOf(result.conversation, current);
      return { ok: true, conversation, entries: [...built.slice(0, kept), ...rest] };
    }
    // Refused with the counter unmoved: the guard or the close refused it. Moved: numbers were taken, again.
    if (result.current?.lastSeq === current.lastSeq) return result;
  }
  throw new ContentionError(
    'The conversation kept taking numbers; the state change was not written, send it again',
  );
}

/**
 * A range as read, with the entries of the conversation's intent that it covers but lacks written and
 * put in place: a reader that finds a state change's entry missing writes it.
 */
export async function withIntent(
  deps: Deps,
  conversation: StoredConversation,
  read: (TranscriptEntry | Gap)[],
  from: number,
  to: number,
): Promise<(TranscriptEntry | Gap)[]> {
  const present = new Set(read.map((entry) => entry.seq));
  const missing = (conversation.intent ?? []).filter(
    (entry) => entry.seq >= from && entry.seq <= to && !present.has(entry.seq),
  );
  if (missing.length === 0) return read;
  await deps.store.transcript.put(missing);
  return [...read, ...missing].sort((a, b) => a.seq - b.seq);
}

/** Writes whichever entries of the conversation's intent are missing (a state change whose puts never arrived). */
async function writeIntent(deps: Deps, conversation: StoredConversation): Promise<void> {
  const intent = conversation.intent ?? [];
  const first = intent[0];
  const last = intent.at(-1);
  if (!first || !last) return;
  const found = await deps.store.transcript.range(
    conversation.conversationId,
    first.seq,
    last.seq,
    intent.length,
  );
  const present = new Set(found.map((entry) => entry.seq));
  const missing = intent.filter((entry) => !present.has(entry.seq));
  if (missing.length > 0) await deps.store.transcript.put(missing);
}

export async function putEntries(
  deps: Deps,
  conversationId: string,
  built: TranscriptEntry[],
  entries: NewEntry[],
  guard: ConversationWrite['guard'],
): Promise<TranscriptEntry[]> {
  const taken = new Set(await deps.store.transcript.put(built));
  const written = [...built];
  for (const [i, entry] of built.entries()) {
    if (!taken.has(entry.seq)) continue;
    const again = await renumber(deps, conversationId, entries[i] as NewEntry, guard);
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
    const outcome = await writeMessage(deps, conversationId, { guard }, [entry]);
    if (!outcome.ok) throw new ConversationGoneError(outcome.current);
    const [written] = outcome.entries;
    if (written) return written;
  }
  throw new ContentionError('The entry could not take a free number; send it again');
}

/** The conversation closed (or vanished) between taking a number and writing the entry. */
export class ConversationGoneError extends Error {
  constructor(readonly current: StoredConversation | undefined) {
    super('conversation closed while writing');
  }
}
