import type {
  Agent,
  Channel,
  Conversation,
  Delivery,
  DeliveryTarget,
  Destination,
  TranscriptEntry,
} from '#domain/model.ts';

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
   * at most `limit`, with their pre-chat data. `next` is where the store stopped, when it stopped before the end: at `limit`, or
   * short of it (DynamoDB ends a query page at 1 MB), so fewer than `limit` never means the end.
   */
  queue(
    destinationId: string,
    status: Conversation['status'],
    page: { after?: string; limit: number },
  ): Promise<{ conversations: Conversation[]; next?: string }>;
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

/** Delivery bookkeeping of one conversation, kept on the conversation item. */
export interface DeliveryState {
  channelId: string;
  lastSeq: number;
  /** Closed: the `Closed` took the last number, and a redriven event may go out only before it. */
  closed: boolean;
  /** Per target: every event up to this number is delivered or failed. */
  cursors: Partial<Record<DeliveryTarget, number>>;
  /** Failed events put back in line, behind the cursors; the deliverer makes them pending again. */
  redriven: number[];
  /** Counts the redrives that landed: a release that saw an older one keeps the redriven set. */
  redriveVersion: number;
  /** How many of its events are failed: while any is, or one is pending, the conversation never expires. */
  failedEvents: number;
  /** When the newest number was taken: how old a gap after the last entry is. */
  lastMessageAt: string;
}

/** Where the sweep will find the conversation next, or undefined when nothing is pending. */
export type Head =
  | { due: string }
  | {
      waitingFor: { channelId: string; target: DeliveryTarget };
      /**
       * The other target, kept in the same index entry so that neither hides behind the other: when
       * its next event is due, '' when it waits for its URL too, undefined when it has nothing.
       */
      otherDue?: string;
    }
  | undefined;

export interface LeasePort {
  /** Takes the delivery lease; 'held' while someone else has it; undefined for no conversation. */
  acquire(
    conversationId: string,
    owner: string,
    now: Date,
    until: Date,
  ): Promise<DeliveryState | 'held' | undefined>;
  /** Asks the current holder to look once more before letting go; false when nobody holds the lease. */
  requestAnotherPass(conversationId: string, now: Date): Promise<boolean>;
  /**
   * Saves progress and lets go, unless a number was taken, a redrive landed or another pass was asked
   * for since the pass read its state: then it keeps the lease and answers false, and the holder looks
   * again. Forced (the holder is out of time), it lets go in any case, but when something landed
   * meanwhile it keeps the redriven set as it is and leaves the conversation due now.
   */
  release(
    conversationId: string,
    owner: string,
    progress: {
      cursors: DeliveryState['cursors'];
      redrivenDone: number[];
      head: Head;
      seenLastSeq: number;
      seenRedriveVersion: number;
      /** Its failed events after the pass: with a head or any of these, the item carries no expiry. */
      failedEvents: number;
      at: string;
    },
    force: boolean,
  ): Promise<boolean>;
  /**
   * Lets go of the lease if `owner` still holds it, saving nothing: for a run that failed before it
   * could save its progress (taking the lease landed but answered an error, or letting go failed).
   */
  abandon(conversationId: string, owner: string): Promise<void>;
}

export interface FailedRef {
  conversationId: string;
  seq: number;
}

export interface OutboxIndexPort {
  /** Conversations with an event due by `until`, from one shard of the index (may lag behind writes). */
  due(shard: number, until: string): Promise<string[]>;
  /**
   * Conversations of a channel whose next event for `target` waits for its URL (may lag behind
   * writes); with `otherDueBy`, only those whose other target is due by then or waits for its URL too.
   */
  waiting(channelId: string, target: DeliveryTarget, otherDueBy?: string): Promise<string[]>;
  failed(): Promise<FailedRef[]>;
  /** How many events are failed, from counters: never reads the failed events themselves. */
  failedCount(): Promise<number>;
  /** Moves the failed-events counter after an event became failed (+1) or was made pending again (-1). */
  countFailed(delta: number): Promise<void>;
  /**
   * Puts a failed event back in line, in one write of the conversation item: adds it to the redriven
   * set, counts the redrive and makes the conversation due now. Refused ('closed') once the
   * conversation is closed unless `closedToo` (the event is the `Closed` itself); 'gone' without one.
   */
  redrive(
    conversationId: string,
    seq: number,
    now: string,
    closedToo: boolean,
  ): Promise<'redriven' | 'closed' | 'gone'>;
  /** The events of a conversation put back in line and not yet taken up by the deliverer. */
  redriven(conversationId: string): Promise<number[]>;
  /** Nudges the delivery stream for a conversation (an insert the stream filter passes). */
  wake(conversationId: string, now: string): Promise<void>;
}

/** Records the directory keeps by id; the store answers with facts, the domain turns them into errors. */
export interface RecordsPort<T, Id extends keyof T> {
  get(id: string): Promise<T | undefined>;
  list(): Promise<T[]>;
  /** False when a record with this id exists already. */
  create(record: T): Promise<boolean>;
  /** Sets some fields (a field set to `undefined` is removed); false when the record is gone. */
  update(id: string, changes: Partial<Omit<T, Id>>): Promise<boolean>;
}

/** Who holds an id of the namespace that agents and destinations share; a removed destination keeps its id. */
export interface IdHolder {
  kind: 'agent' | 'destination';
  reservedAt: string;
  removedAt?: string;
}

/** Channels, agent groups and agents. */
export interface DirectoryPort {
  channels: RecordsPort<Channel, 'channelId'>;
  destinations: RecordsPort<Destination, 'destinationId'> & {
    /** Deletes the record and marks its id removed, so that it stays reserved. */
    remove(destinationId: string, at: string): Promise<void>;
  };
  agents: RecordsPort<Agent, 'employeeId'>;
  /**
   * A channel's agent-platform signing secret, in an item of its own that only the functions that sign
   * with it may read (a channel set up by an older version still carries it on the channel item).
   */
  channelSecrets: {
    platformSecret(channel: Channel): Promise<string | undefined>;
    /** Stores a new secret, or removes it when `secret` is undefined. */
    setPlatformSecret(channelId: string, secret: string | undefined): Promise<void>;
  };
  /** Reserves `id` for good, unless someone holds it already: answers the holder, which is `kind` when the id was free. */
  reserveId(id: string, kind: IdHolder['kind'], at: string): Promise<IdHolder>;
  /** Who holds `id`, if anyone (ids taken before reservations existed have no holder here). */
  idHolder(id: string): Promise<IdHolder | undefined>;
}

/** One agent's Idempotency-Key for one conversation: who claimed it with which request, and the first answer. */
export interface IdempotencyRecord {
  fingerprint: string;
  claimedAt: string;
  response?: Record<string, unknown>;
}

export interface IdempotencyScope {
  employeeId: string;
  conversationId: string;
}

export interface IdempotencyPort {
  /**
   * Claims a key, so that of two requests with the same key only one does the work. A claim older than
   * `staleBefore` whose work never finished may be taken over by the same request. The record expires at `expiresAt`.
   */
  claim(
    scope: IdempotencyScope,
    key: string,
    claim: { fingerprint: string; claimedAt: string; staleBefore: string; expiresAt: string },
  ): Promise<{ claimed: true } | { claimed: false; record: IdempotencyRecord }>;
  complete(scope: IdempotencyScope, key: string, response: Record<string, unknown>): Promise<void>;
  /** Lets go of an unfinished claim of this request (a refused write claims nothing). */
  release(scope: IdempotencyScope, key: string, fingerprint: string): Promise<void>;
}

/** One open live-updates WebSocket. */
export interface LiveConnection {
  connectionId: string;
  employeeId: string;
  /** The agent's credential version at connect time: a revoke or a new token ends the session. */
  credentialVersion: number;
  /** The queues whose conversations this connection hears about: the agent's groups and its own queue. */
  queues: string[];
  /** Where API Gateway's management API reaches the connection (AWS); absent for the local runtime's sockets. */
  managementUrl?: string;
  connectedAt: string;
  /** Epoch seconds: the record's TTL. */
  expiresAt: number;
}

export interface LiveTicket {
  employeeId: string;
  credentialVersion: number;
}

export interface Listener {
  connectionId: string;
  employeeId: string;
  credentialVersion: number;
}

/** The records of live updates: single-use tickets, connections, and who listens to which queue. */
export interface LivePort {
  putTicket(ticketHash: string, ticket: LiveTicket, validUntilMs: number): Promise<void>;
  /** Takes a ticket out and answers whose it was: of two redeemers only one gets it; an expired one, nobody. */
  takeTicket(ticketHash: string, nowMs: number): Promise<LiveTicket | undefined>;
  putConnection(connection: LiveConnection): Promise<void>;
  getConnection(connectionId: string): Promise<LiveConnection | undefined>;
  /** Forgets a connection and its queue entries; nothing to do for one already gone. */
  deleteConnection(connectionId: string): Promise<void>;
  /** The unexpired connections that listen to a queue. */
  listeners(queue: string, nowMs: number): Promise<Listener[]>;
  /** The agent's recorded connections. */
  connectionsOf(employeeId: string): Promise<LiveConnection[]>;
}

/** Everything storage offers the domain. */
export interface Store {
  conversations: ConversationsPort;
  transcript: TranscriptPort;
  leases: LeasePort;
  outbox: OutboxIndexPort;
  directory: DirectoryPort;
  idempotency: IdempotencyPort;
  live: LivePort;
}

/** Ends open WebSocket sessions: API Gateway's management API in AWS, the runtime's own sockets locally. */
export interface LiveSessions {
  close(connection: LiveConnection): Promise<void>;
}
