import type { Conversation, TranscriptEntry } from '#domain/conversations/model.ts';
import type { Delivery } from '#domain/outbox/model.ts';

/**
 * What the conversation use cases and the delivery engine need from storage. The domain owns these
 * interfaces and the store implements them (`#store/*`), so the domain never sees a DynamoDB client
 * and the store never sees a domain error. Indexes only help to find work: every port method that
 * decides something reads the base table consistently.
 */

/** A conversation as stored: the record plus its sequence counter. */
export interface StoredConversation extends Conversation {
  /** The last sequence number taken; entries 1..lastSeq exist, or are gaps that a crash left. */
  lastSeq: number;
  /**
   * The entries of the last state change (opening, close, transfer, accept), written on the item by
   * the same update that changed the state: whoever finds one of them missing (the next state change,
   * the gap filler, a reader) writes it, so a state change never loses its entry.
   */
  intent?: TranscriptEntry[];
  /** The closed period whose offline reply it got (see automatic-replies.ts). */
  offlineReplyKey?: string;
  /** The wait (its `waitingSince`) whose waiting reply it got. */
  waitingReplyKey?: string;
}

/** The pre-chat data DialogStudio sent: the biggest part of a conversation, kept on an item of its own. */
export type Prechat = Pick<Conversation, 'attributes' | 'hiddenAttributes' | 'customData'>;

/**
 * The conversation item as a write leaves it: everything but the pre-chat data, so that the item every
 * write serialises on stays small whatever DialogStudio sent.
 */
export type ConversationState = Omit<StoredConversation, keyof Prechat>;

/** Conditions a write must find true on the stored conversation, checked by the write itself. */
export interface Guard {
  /** The conversation's destination is one of these (an agent's queues). */
  destinationIn?: string[];
  /** Nobody but this agent has accepted it. */
  assigneeFreeFor?: string;
  /** Exactly this agent has accepted it. */
  assigneeIs?: string;
  /** This (revoked or departed) agent holds it and may be replaced. */
  takeoverFrom?: string;
  /** The client has written nothing yet (see `Conversation.awaitsFirstClientMessage`). */
  awaitsFirstClientMessage?: boolean;
  /** Its status is this one. */
  statusIs?: Conversation['status'];
}

/**
 * One write to a conversation: it takes `entries` sequence numbers (every entry, the close included,
 * takes its number here), sets fields, and is refused once the conversation is closed. A field set
 * to `undefined` is removed; pre-chat fields, when set, replace the pre-chat data as a whole.
 */
export interface ConversationWrite {
  at: string;
  entries: number;
  /**
   * This write's own id: the update records it, so when the SDK sends it again after an error for a
   * write that had landed, the second send is refused and recognised as the first, not numbered again.
   */
  writeId: string;
  /**
   * With `intent`: the numbers are `expectLastSeq + 1...`, the write is refused if another number was
   * taken meanwhile, and the entries (numbered already) are kept on the item as its intent.
   */
  expectLastSeq?: number;
  intent?: TranscriptEntry[];
  set?: Partial<Omit<Conversation, 'conversationId' | 'channelId' | 'userId' | 'createdAt'>>;
  guard?: Guard;
  /** Required with a status or destination change: the queue the conversation lands in. */
  queue?: Pick<Conversation, 'destinationId' | 'status' | 'createdAt'>;
  /** Some entry carries an event to deliver: the sweep must be able to find the conversation. */
  outbox?: boolean;
  /** An agent's answer: sets `firstResponseAt` to `at` unless it is set already, in this same update. */
  firstResponse?: boolean;
  /** An automatic reply: refused when the field holds `key` already, else records it, in this same update. */
  replyOnce?: { field: 'offlineReplyKey' | 'waitingReplyKey'; key: string };
}

export type WriteResult =
  | { ok: true; conversation: ConversationState; firstSeq: number }
  | { ok: false; current: StoredConversation | undefined };

/** The user's open-conversation pointer. It carries the record it opened, so anyone can finish an interrupted opening. */
export interface OpenPointer {
  conversationId: string;
  createdAt: string;
  opening: Conversation;
}

/**
 * A conversation as a queue lists it, with the keys of its last automatic replies; its pre-chat data is
 * empty when the page was asked without it (`prechat: false`, for readers that never show it).
 */
export type QueuedConversation = Conversation &
  Pick<StoredConversation, 'offlineReplyKey' | 'waitingReplyKey'>;

export interface ConversationsPort {
  /** The conversation with its pre-chat data, read consistently. */
  get(conversationId: string): Promise<StoredConversation | undefined>;
  /** Only the pre-chat data (empty for a conversation that has none). */
  prechat(conversationId: string): Promise<Prechat>;
  /**
   * Creates the conversation with its first entries numbered 1... as its intent; false when it exists
   * already (true when it exists by this very write, sent again by the SDK).
   */
  create(
    conversation: Conversation,
    opening: { writeId: string; intent: TranscriptEntry[]; outbox: boolean },
  ): Promise<boolean>;
  write(conversationId: string, write: ConversationWrite): Promise<WriteResult>;
  /** Moves the counter up to the last entry written, if it is behind. */
  catchUpCounter(conversationId: string): Promise<void>;
  pointer(channelId: string, userId: string): Promise<OpenPointer | undefined>;
  /** Claims the pointer; false when another one is there. */
  claimPointer(channelId: string, userId: string, pointer: OpenPointer): Promise<boolean>;
  /** Lets the pointer go if it still points to this conversation. */
  releasePointer(channelId: string, userId: string, conversationId: string): Promise<void>;
  /**
   * A page of a destination's queue in one status, oldest first, after `after` (createdAt#conversationId),
   * at most `limit`, with their pre-chat data unless `prechat` is false. `next` is where the store stopped, when it stopped before the end: at `limit`, or
   * short of it (DynamoDB ends a query page at 1 MB), so fewer than `limit` never means the end.
   */
  queue(
    destinationId: string,
    status: Conversation['status'],
    page: { after?: string; limit: number; prechat?: boolean },
  ): Promise<{ conversations: QueuedConversation[]; next?: string }>;
}

/** A gap left where a writer took a number and never wrote its entry; it is skipped everywhere. */
export type Gap = { id: string; conversationId: string; seq: number; gap: true; createdAt: string };

export interface TranscriptPort {
  /**
   * Writes entries at their numbers; returns the numbers that were already filled by another write (a
   * gap). An entry found there with the same `writeId` is this write's own, landed earlier.
   */
  put(entries: TranscriptEntry[]): Promise<number[]>;
  /** Entries and gaps with `fromSeq <= seq <= toSeq`, oldest first, at most `limit`: fewer only at `toSeq`. */
  range(
    conversationId: string,
    fromSeq: number,
    toSeq: number,
    limit: number,
  ): Promise<(TranscriptEntry | Gap)[]>;
  /**
   * One query's page of `range`: `continueAt` is the number to read on from when the store stopped
   * before `toSeq`, at `limit` or short of it (DynamoDB ends a query page at 1 MB).
   */
  rangePage(
    conversationId: string,
    fromSeq: number,
    toSeq: number,
    limit: number,
  ): Promise<{ entries: (TranscriptEntry | Gap)[]; continueAt?: number }>;
  get(conversationId: string, seq: number): Promise<TranscriptEntry | Gap | undefined>;
  /**
   * Fills a number nobody wrote with a gap; false when the entry arrived meanwhile, or is the
   * conversation's intent and was written from there instead.
   */
  fillGap(conversationId: string, seq: number, at: string): Promise<boolean>;
  /** Replaces an entry's delivery state if nobody changed it since `previous`; false when it lost that race. */
  saveDelivery(entry: TranscriptEntry, previous: Delivery, next: Delivery): Promise<boolean>;
  /** The newest entries first, while they are no older than `since`: finds an Idempotency-Key's entry after a crash. */
  findByIdempotencyKey(
    conversationId: string,
    key: string,
    since: string,
  ): Promise<TranscriptEntry | undefined>;
}

/**
 * What happens once DynamoDB's TTL removed a conversation item (told by the table's stream, at least
 * once, maybe never). No write leaves an expiry on a conversation while an event of it is pending or
 * failed, so a removal normally finds nothing undelivered and takes the rest of the conversation.
 */
export interface RetentionPort {
  /**
   * Removes the rest of the conversation whose item TTL removed (`removed`: the item as the stream's
   * record carried it) and the user's pointer if it still names it; 'kept' when an event of it is still
   * pending or failed: then the item is put back without an expiry and due at `now`, for the deliverer.
   * Idempotent: the same record may come twice.
   */
  expired(removed: Record<string, unknown>, now: Date): Promise<'removed' | 'kept'>;
}
