import type { Conversation, Delivery, DeliveryTarget, TranscriptEntry } from '#domain/model.ts';

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
}

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
 * to `undefined` is removed.
 */
export interface ConversationWrite {
  at: string;
  entries: number;
  set?: Partial<Omit<Conversation, 'conversationId' | 'channelId' | 'userId' | 'createdAt'>>;
  guard?: Guard;
  /** Required with a status or destination change: the queue the conversation lands in. */
  queue?: Pick<Conversation, 'destinationId' | 'status' | 'createdAt'>;
  /** Some entry carries an event to deliver: the sweep must be able to find the conversation. */
  outbox?: boolean;
}

export type WriteResult =
  | { ok: true; conversation: StoredConversation; firstSeq: number }
  | { ok: false; current: StoredConversation | undefined };

/** The user's open-conversation pointer. It carries the record it opened, so anyone can finish an interrupted opening. */
export interface OpenPointer {
  conversationId: string;
  createdAt: string;
  opening: Conversation;
}

export interface ConversationsPort {
  get(conversationId: string): Promise<StoredConversation | undefined>;
  /** Creates the conversation with `lastSeq` numbers already taken; false when it exists already. */
  create(conversation: Conversation, lastSeq: number, outbox: boolean): Promise<boolean>;
  write(conversationId: string, write: ConversationWrite): Promise<WriteResult>;
  /** Moves the counter up to the last entry written, if it is behind. */
  catchUpCounter(conversationId: string): Promise<void>;
  pointer(channelId: string, userId: string): Promise<OpenPointer | undefined>;
  /** Claims the pointer; false when another one is there. */
  claimPointer(channelId: string, userId: string, pointer: OpenPointer): Promise<boolean>;
  /** Lets the pointer go if it still points to this conversation. */
  releasePointer(channelId: string, userId: string, conversationId: string): Promise<void>;
  /** A page of a destination's queue in one status, oldest first, after `after` (createdAt#conversationId). */
  queue(
    destinationId: string,
    status: Conversation['status'],
    page: { after?: string; limit: number },
  ): Promise<Conversation[]>;
}

/** A gap left where a writer took a number and never wrote its entry; it is skipped everywhere. */
export type Gap = { id: string; conversationId: string; seq: number; gap: true; createdAt: string };

export interface TranscriptPort {
  /** Writes entries at their numbers; returns the numbers that were already filled (by a gap). */
  put(entries: TranscriptEntry[]): Promise<number[]>;
  /** Entries and gaps with `fromSeq <= seq <= toSeq`, oldest first, at most `limit`. */
  range(
    conversationId: string,
    fromSeq: number,
    toSeq: number,
    limit: number,
  ): Promise<(TranscriptEntry | Gap)[]>;
  get(conversationId: string, seq: number): Promise<TranscriptEntry | Gap | undefined>;
  /** Fills a number nobody wrote with a gap; false when the entry arrived meanwhile. */
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

/** Everything storage offers the domain. */
export interface Store {
  conversations: ConversationsPort;
  transcript: TranscriptPort;
  leases: LeasePort;
  outbox: OutboxIndexPort;
}
