import { clientEntry } from '#domain/conversations/client-entries.ts';
import type { Conversation, TranscriptEntry } from '#domain/conversations/model.ts';
import type { OpenPointer, StoredConversation } from '#domain/conversations/ports.ts';
import {
  buildEntry,
  ConversationGoneError,
  type ConversationView,
  type EntryContent,
  type NewEntry,
  putEntries,
  type WriteOutcome,
  writeFirstClientMessage,
  writeToConversation,
} from '#domain/conversations/writes.ts';
import { type ResolvedDestination, resolveDestination } from '#domain/directory/destinations.ts';
import type { Channel } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { ContentionError } from '#domain/shared/errors.ts';
import { newId } from '#domain/shared/ids.ts';

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
    await deps.store.conversations.create(pointer.opening, {
      writeId: newId('wr'),
      intent: [],
      outbox: false,
    });
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
): Promise<{ conversation: ConversationView; entries: TranscriptEntry[] } | undefined> {
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
    waitingSince: createdAt,
    ...(!first.some((entry) => entry.content.from === 'client') && { awaitsFirstClientMessage: true }),
  };
  const pointer = { conversationId: conversation.conversationId, createdAt, opening: conversation };
  if (!(await deps.store.conversations.claimPointer(channel.channelId, userId, pointer))) return undefined;

  const entries: NewEntry[] = [
    clientEntry(channel, openedNote(destination), 'conversation.opened'),
    ...(destination.known ? [] : [unknownDestinationNote(destination)]),
    ...first,
  ];
  const outbox = entries.some((entry) => entry.event);
  const writeId = newId('wr');
  const stored: StoredConversation = { ...conversation, lastSeq: entries.length };
  const built = entries.map((entry, i) => buildEntry(stored, i + 1, createdAt, entry, writeId));
  if (!(await deps.store.conversations.create(conversation, { writeId, intent: built, outbox }))) {
    // Another request finished this opening first (see healPointer): write like any other writer.
    const outcome = await writeToConversation(deps, conversation.conversationId, {}, entries);
    if (!outcome.ok) return undefined;
    return {
      conversation: outcome.conversation,
      entries: outcome.entries.slice(entries.length - first.length),
    };
  }
  const written = await putEntries(deps, conversation.conversationId, built, entries, undefined);
  if (outbox) deps.outboxWritten(conversation.conversationId);
  return { conversation: stored, entries: written.slice(entries.length - first.length) };
}

/** How many times a request follows a stale pointer before it gives up (each pass heals one thing; see shared/contention.ts). */
const MAX_POINTER_PASSES = 5;

/**
 * A client's entry appended to an open conversation: after the bot conversation it carried (`history`)
 * if it is the client's first message there, as an ordinary entry otherwise. Either way the
 * conversation no longer awaits the client's first message.
 */
async function appendClientEntry(
  deps: Deps,
  conversationId: string,
  entry: NewEntry,
  history: NewEntry[],
): Promise<WriteOutcome> {
  if (history.length > 0) {
    const first = await writeFirstClientMessage(deps, conversationId, history, entry);
    const open = first.ok || (first.current !== undefined && first.current.status !== 'closed');
    if (first.ok || !open) return first;
  }
  return writeToConversation(deps, conversationId, { set: { awaitsFirstClientMessage: undefined } }, [entry]);
}

/**
 * Appends to the user's open conversation, or opens one in the channel's default destination: a
 * client's message is never dropped. Pointers that a crash left behind are healed on the way. `history`
 * is the bot conversation the entry carried, written before it only if it is the client's first.
 */
export async function appendForUser(
  deps: Deps,
  channel: Channel,
  userId: string,
  entry: NewEntry,
  history: NewEntry[] = [],
): Promise<{ conversation: ConversationView; entry: TranscriptEntry; openedIn?: ResolvedDestination }> {
  for (let pass = 0; pass < MAX_POINTER_PASSES; pass++) {
    const pointer = await deps.store.conversations.pointer(channel.channelId, userId);
    if (!pointer) {
      const destination = await resolveDestination(deps, channel, undefined);
      const opened = await openConversation(deps, channel, userId, destination, {}, [...history, entry]);
      if (opened) {
        const sent = opened.entries.at(-1) as TranscriptEntry;
        return { conversation: opened.conversation, entry: sent, openedIn: destination };
      }
      continue;
    }
    try {
      const outcome = await appendClientEntry(deps, pointer.conversationId, entry, history);
      if (outcome.ok)
        return { conversation: outcome.conversation, entry: outcome.entries.at(-1) as TranscriptEntry };
      await healPointer(deps, pointer, outcome.current);
    } catch (error) {
      if (!(error instanceof ConversationGoneError)) throw error;
      await healPointer(deps, pointer, error.current);
    }
  }
  throw new ContentionError();
}
