import { attemptDelivery } from '#delivery/attempt.ts';
import { afterClosed, backInLine } from '#delivery/redriven.ts';
import { type TargetResult, targets } from '#delivery/targets.ts';
import type { TranscriptEntry } from '#domain/conversations/model.ts';
import type { Gap } from '#domain/conversations/ports.ts';
import { isGap } from '#domain/conversations/views.ts';
import type { DeliveryTarget } from '#domain/outbox/model.ts';
import type { DeliveryState, Head } from '#domain/outbox/ports.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { logger } from '#logger';

/** Entries read per query while walking forward from the cursors. */
const PAGE = 50;

/**
 * A number taken this long ago without its entry is given up as a gap: its writer crashed, or is so
 * slow that it takes a new number (see `writeToConversation`). Far above a request's own duration.
 */
export const GAP_GRACE_MS = 15_000;

/**
 * One pass over a conversation under the lease: the redriven events first, then a walk forward from
 * the cursors. Per target, every event is delivered (or failed) before the next one is tried, and a
 * target stops at its first event that is not settled (its head). A gap in the numbers holds the walk
 * until it is filled or old enough to be given up.
 */
export class Pass {
  readonly cursors: DeliveryState['cursors'];
  readonly redrivenDone: number[] = [];
  /**
   * The numbers of the conversation's failed events, as this pass leaves them: a set, kept in step with
   * each entry's status as the pass reads or changes it, so a pass that died between changing an entry
   * and saving the set is healed by the next one, never counted twice.
   */
  readonly failed: Set<number>;
  readonly heads = new Map<DeliveryTarget, Exclude<Head, undefined>>();

  constructor(
    private readonly deps: Deps,
    private readonly conversationId: string,
    private readonly state: DeliveryState,
    /** Epoch ms after which no attempt starts. */
    private readonly deadline: number,
  ) {
    this.cursors = { ...state.cursors };
    this.failed = new Set(state.failedEvents);
  }

  async run(): Promise<void> {
    await this.redriven();
    await this.forward();
  }

  /**
   * Where the sweep should find this conversation: parked on a target that waits for its URL, with
   * the other target's state beside it (so neither hides behind the other), else the earliest due.
   */
  head(): Head {
    const dueOf = (target: DeliveryTarget) => {
      const head = this.heads.get(target);
      if (!head) return undefined;
      return 'due' in head ? head.due : '';
    };
    const parked = targets.find((target) => {
      const head = this.heads.get(target);
      return head !== undefined && 'waitingFor' in head;
    });
    if (parked) {
      const other = targets.find((target) => target !== parked) as DeliveryTarget;
      const { waitingFor } = this.heads.get(parked) as {
        waitingFor: { channelId: string; target: DeliveryTarget };
      };
      return { waitingFor, otherDue: dueOf(other) };
    }
    const due = targets
      .map(dueOf)
      .filter((at): at is string => at !== undefined)
      .sort()[0];
    return due === undefined ? undefined : { due };
  }

  /** The redrive set, in order (see `#delivery/redriven.ts`). */
  private async redriven() {
    for (const seq of this.state.redriven) {
      const entry = (await this.deps.store.transcript.get(this.conversationId, seq)) as
        | TranscriptEntry
        | undefined;
      const delivery = entry?.delivery;
      if (!entry || !delivery || delivery.status === 'delivered') {
        this.failed.delete(seq);
        this.redrivenDone.push(seq);
        continue;
      }
      // Pending already: a pass put it back in line and died before saving that it is no longer failed.
      this.track(seq, delivery.status);
      if (afterClosed(this.deps, this.state, this.cursor(delivery.target), entry)) {
        this.redrivenDone.push(seq);
        continue;
      }
      if (this.heads.has(delivery.target)) continue;
      const pending = await backInLine(this.deps, entry);
      if (!pending) {
        this.heads.set(delivery.target, { due: this.deps.now().toISOString() });
        continue;
      }
      this.failed.delete(seq);
      const result = await this.attempt(pending);
      if (result === 'settled') this.redrivenDone.push(seq);
      else this.heads.set(delivery.target, result);
    }
  }

  private cursor(target: DeliveryTarget): number {
    return this.cursors[target] ?? 0;
  }

  private open(seq: number): DeliveryTarget[] {
    return targets.filter((target) => !this.heads.has(target) && this.cursor(target) === seq - 1);
  }

  /** Walks the numbers after the lowest cursor, target by target, until each is blocked or at the end. */
  private async forward() {
    const { lastSeq } = this.state;
    let seq = Math.min(...targets.map((target) => this.cursor(target))) + 1;
    while (seq <= lastSeq && targets.some((target) => !this.heads.has(target))) {
      const page = await this.deps.store.transcript.range(this.conversationId, seq, lastSeq, PAGE);
      const bySeq = new Map(page.map((entry) => [entry.seq, entry]));
      // A short page reaches the end; a full one reaches its last entry, and anything missing before is a hole.
      const end = page.length < PAGE ? lastSeq : (page.at(-1) as { seq: number }).seq;
      for (; seq <= end; seq++) {
        if (this.open(seq).length === 0) continue;
        let entry = bySeq.get(seq);
        if (!entry) {
          entry = await this.settleHole(seq, page);
          if (!entry) return;
        }
        for (const target of this.open(seq)) {
          const result = await this.step(entry, target);
          if (result === 'settled') this.cursors[target] = seq;
          else this.heads.set(target, result);
        }
        if (targets.every((target) => this.heads.has(target))) return;
      }
    }
  }

  /** A number without an entry: given up as a gap once old enough, otherwise the walk waits for it. */
  private async settleHole(
    seq: number,
    page: (TranscriptEntry | Gap)[],
  ): Promise<TranscriptEntry | Gap | undefined> {
    const later = page.find((entry) => entry.seq > seq);
    const takenAround = Date.parse(later?.createdAt ?? this.state.lastMessageAt);
    const now = this.deps.now();
    if (now.getTime() - takenAround < GAP_GRACE_MS) {
      const due = new Date(takenAround + GAP_GRACE_MS).toISOString();
      for (const target of this.open(seq)) this.heads.set(target, { due });
      return undefined;
    }
    if (await this.deps.store.transcript.fillGap(this.conversationId, seq, now.toISOString())) {
      logger.warn('gap filled', { conversationId: this.conversationId, seq });
    }
    return this.deps.store.transcript.get(this.conversationId, seq);
  }

  private async step(entry: TranscriptEntry | Gap, target: DeliveryTarget): Promise<TargetResult> {
    if (isGap(entry)) return 'settled';
    const delivery = entry.delivery;
    if (!delivery || delivery.target !== target) return 'settled';
    // Failed ahead of the cursor: the pass that failed it died before its release saved the set (the
    // cursor moves only in the same write), so it is counted here, or the conversation could expire with it.
    this.track(entry.seq, delivery.status);
    if (delivery.status !== 'pending') return 'settled';
    return this.attempt(entry);
  }

  private async attempt(entry: TranscriptEntry): Promise<TargetResult> {
    const { result, failed } = await attemptDelivery(
      this.deps,
      this.conversationId,
      this.state.channelId,
      entry,
      this.deadline,
    );
    if (failed) this.failed.add(entry.seq);
    return result;
  }

  /** Keeps the failed set in step with an entry's status as read. */
  private track(seq: number, status: string) {
    if (status === 'failed') this.failed.add(seq);
    else this.failed.delete(seq);
  }
}
