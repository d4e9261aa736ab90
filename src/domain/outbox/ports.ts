import type { DeliveryTarget } from '#domain/outbox/model.ts';

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
  /**
   * The numbers of its failed events: while any is, or one is pending, the conversation never expires.
   * Numbers, not a count, so that saving them again after a crash cannot count one twice.
   */
  failedEvents: number[];
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
      /** The numbers of its failed events after the pass: with a head or any of these, the item carries no expiry. */
      failedEvents: number[];
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
  /**
   * Moves the failed-events counter after an event became failed (+1) or was made pending again (-1).
   * `changeId` names the change (the event and the failure it makes or undoes): the SDK's resend of a
   * change that landed is not counted twice. The counter is a metric and can still be off: by a resend
   * that another change overtook, or by a holder that died between an event's failure and its count.
   * The per-conversation failed events that keep a conversation from expiring (`DeliveryState.failedEvents`)
   * are saved whole by the lease holder and do not depend on it.
   */
  countFailed(delta: number, changeId: string): Promise<void>;
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
