import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { postEvent } from '#delivery/send.ts';
import { standardWebhookHeaders } from '#delivery/signature.ts';
import type { TranscriptEntry } from '#domain/conversations/model.ts';
import type { Gap } from '#domain/conversations/ports.ts';
import { isGap } from '#domain/conversations/views.ts';
import type { Channel } from '#domain/directory/model.ts';
import { webhookPolicy } from '#domain/directory/webhook-url.ts';
import { type AttemptOutcome, afterAttempt, redriven } from '#domain/outbox/delivery.ts';
import type { Delivery, DeliveryTarget } from '#domain/outbox/model.ts';
import type { DeliveryState, Head } from '#domain/outbox/ports.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { failureForLog, logger } from '#logger';
import { OUTBOX_SHARDS } from '#store/keys.ts';

/**
 * The delivery engine. One conversation at a time, under a lease kept on the conversation item:
 * per target, every event is delivered (or failed) before the next one is tried, from a cursor that
 * only moves forward, so each pass reads only what follows the last settled event. A gap in the
 * numbers (a writer still at work, or one that crashed) holds the walk until it is filled or is old
 * enough to be given up. Indexes only find conversations; every decision rests on consistent reads.
 */

const targets: readonly DeliveryTarget[] = ['dialogstudio', 'platform'];

/** Entries read per query while walking forward from the cursors. */
const PAGE = 50;

/**
 * A number taken this long ago without its entry is given up as a gap: its writer crashed, or is so
 * slow that it takes a new number (see `writeToConversation`). Far above a request's own duration.
 */
export const GAP_GRACE_MS = 15_000;

/** Where a target's events go, if it has an address yet. */
function targetUrl(channel: Channel | undefined, target: DeliveryTarget): string | undefined {
  return target === 'dialogstudio' ? channel?.webhookUrl : channel?.agentPlatformUrl;
}

async function attempt(
  deps: Deps,
  channel: Channel,
  entry: TranscriptEntry,
  url: string,
): Promise<AttemptOutcome> {
  const delivery = entry.delivery as Delivery;
  const body = JSON.stringify(delivery.payload);
  const secret =
    delivery.target === 'platform'
      ? await deps.store.directory.channelSecrets.platformSecret(channel)
      : undefined;
  const headers = secret ? standardWebhookHeaders(secret, entry.id, deps.now(), body) : {};
  return postEvent(url, body, headers, {
    timeoutMs: deps.config.DELIVERY_TIMEOUT_MS,
    policy: webhookPolicy(deps.config),
  });
}

export interface DeliveryRun {
  /** How long this run may keep starting attempts for the conversation (ms). */
  budgetMs?: number;
  /** Arranges another run at `atMs`: a retry due before the next sweep goes out on time. */
  schedule?: (conversationId: string, atMs: number) => Promise<void> | void;
}

/** The default budget: one attempt's timeout, so a hanging webhook delays nothing else by more than that. */
export function defaultBudgetMs(deps: Deps): number {
  return deps.config.DELIVERY_TIMEOUT_MS + 2_000;
}

/** The sweep period in AWS (a schedule) or locally (a timer); retries due sooner are scheduled. */
const SWEEP_PERIOD_MS = 60_000;

type TargetResult = 'settled' | Exclude<Head, undefined>;

/** One pass over a conversation under the lease. */
class Pass {
  readonly cursors: DeliveryState['cursors'];
  readonly redrivenDone: number[] = [];
  /** The conversation's failed events, as this pass leaves them. */
  failedEvents: number;
  readonly heads = new Map<DeliveryTarget, Exclude<Head, undefined>>();

  constructor(
    private readonly deps: Deps,
    private readonly conversationId: string,
    private readonly state: DeliveryState,
    private readonly deadline: number,
  ) {
    this.cursors = { ...state.cursors };
    this.failedEvents = state.failedEvents;
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

  async run(): Promise<void> {
    await this.redriven();
    await this.forward();
  }

  /**
   * Failed events put back in line sit behind the cursor: they go first, in order, and hold their
   * target. The redrive left each one `failed`; it is made pending here, under the lease. Once the
   * conversation is closed and its target's cursor has passed the `Closed`, only the `Closed` itself
   * goes out again: nothing is delivered after it.
   */
  private async redriven() {
    for (const seq of this.state.redriven) {
      const entry = await this.deps.store.transcript.get(this.conversationId, seq);
      const delivery = (entry as TranscriptEntry | undefined)?.delivery;
      if (!delivery || delivery.status === 'delivered' || this.afterClosed(entry as TranscriptEntry)) {
        this.redrivenDone.push(seq);
        continue;
      }
      if (this.heads.has(delivery.target)) continue;
      const pending = await this.backInLine(entry as TranscriptEntry);
      if (!pending) {
        this.heads.set(delivery.target, { due: this.deps.now().toISOString() });
        continue;
      }
      const result = await this.tryDeliver(pending);
      if (result === 'settled') this.redrivenDone.push(seq);
      else this.heads.set(delivery.target, result);
    }
  }

  private afterClosed(entry: TranscriptEntry): boolean {
    const delivery = entry.delivery as Delivery;
    const closedSettled = this.state.closed && this.cursor(delivery.target) >= this.state.lastSeq;
    return closedSettled && delivery.payload.type !== 'Closed';
  }

  /** A redriven entry as pending, with a fresh retry window; undefined when it changed under us. */
  private async backInLine(entry: TranscriptEntry): Promise<TranscriptEntry | undefined> {
    const delivery = entry.delivery as Delivery;
    if (delivery.status === 'pending') return entry;
    const pending = redriven(delivery, this.deps.now());
    if (!(await this.deps.store.transcript.saveDelivery(entry, delivery, pending))) return undefined;
    this.failedEvents = Math.max(0, this.failedEvents - 1);
    await this.deps.store.outbox.countFailed(-1);
    return { ...entry, delivery: pending };
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
    if (!delivery || delivery.target !== target || delivery.status !== 'pending') return 'settled';
    return this.tryDeliver(entry);
  }

  private async tryDeliver(entry: TranscriptEntry): Promise<TargetResult> {
    const { deps } = this;
    const delivery = entry.delivery as Delivery;
    const now = deps.now();
    if (Date.parse(delivery.nextAttemptAt ?? '') > now.getTime())
      return { due: delivery.nextAttemptAt as string };
    if (Date.now() + deps.config.DELIVERY_TIMEOUT_MS > this.deadline) return { due: now.toISOString() };
    // Read before every attempt, never cached: once setWebhook answers, no attempt starts to the old URL.
    const channel = await deps.store.directory.channels.get(this.state.channelId);
    const url = targetUrl(channel, delivery.target);
    if (!channel || !url) return { waitingFor: { channelId: this.state.channelId, target: delivery.target } };
    const outcome = await attempt(deps, channel, entry, url);
    const next = afterAttempt(delivery, outcome, deps.now(), deps.config);
    const saved = await deps.store.transcript.saveDelivery(entry, delivery, next);
    logger.info('delivery attempt', {
      conversationId: this.conversationId,
      eventId: entry.id,
      target: delivery.target,
      attempt: next.attempts,
      outcome: next.status,
      ...(outcome.kind !== 'delivered' && { error: outcome.error }),
    });
    if (!saved) return { due: deps.now().toISOString() };
    if (next.status === 'failed') {
      this.failedEvents++;
      await deps.store.outbox.countFailed(1);
    }
    if (next.status === 'pending') return { due: next.nextAttemptAt as string };
    return 'settled';
  }
}

/** A lease holder: one per delivery run, so two runs in one process exclude each other too. */
function newLeaseOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID()}`;
}

/**
 * Takes the conversation's lease; when another run holds it, asks that run to look once more before
 * it lets go (so what this trigger announced is not stranded) and answers undefined.
 */
async function takeLease(deps: Deps, conversationId: string, owner: string, until: Date) {
  for (let tries = 0; tries < 2; tries++) {
    const state = await deps.store.leases.acquire(conversationId, owner, deps.now(), until);
    if (state !== 'held') return state;
    if (await deps.store.leases.requestAnotherPass(conversationId, deps.now())) return undefined;
  }
  return undefined;
}

/**
 * Delivers what is due in one conversation within a time budget. On letting go, the conversation's
 * head (its earliest due event, or the URL it waits for) is saved where the sweep finds it; a retry
 * due before the next sweep is scheduled. If a number was taken or another run asked meanwhile, the
 * lease is kept and the conversation looked at again.
 */
export async function deliverConversation(
  deps: Deps,
  conversationId: string,
  run: DeliveryRun = {},
): Promise<void> {
  const budgetMs = run.budgetMs ?? defaultBudgetMs(deps);
  // The budget is the process's own wall-clock time (Lambda's remaining time), so it is read from Date.now();
  // deps.now() is the product's clock (timestamps, due times), which a test or the simulation may move.
  const deadline = Date.now() + budgetMs;
  const owner = newLeaseOwner();
  // Every attempt starts before the deadline and ends within its timeout: the lease outlasts it.
  const leaseUntil = () =>
    new Date(deps.now().getTime() + budgetMs + deps.config.DELIVERY_LEASE_SECONDS * 1000);
  try {
    let state = await takeLease(deps, conversationId, owner, leaseUntil());
    while (state) {
      const pass = new Pass(deps, conversationId, state, deadline);
      const progress = (head: Head) => ({
        cursors: pass.cursors,
        redrivenDone: pass.redrivenDone,
        head,
        seenLastSeq: (state as DeliveryState).lastSeq,
        seenRedriveVersion: (state as DeliveryState).redriveVersion,
        failedEvents: pass.failedEvents,
        at: deps.now().toISOString(),
      });
      try {
        await pass.run();
      } catch (error) {
        // Let go at once, due now: the stream's retry of the record (or the sweep) finds it free.
        await deps.store.leases.release(
          conversationId,
          owner,
          progress({ due: deps.now().toISOString() }),
          true,
        );
        throw error;
      }
      let head = pass.head();
      const outOfTime = Date.now() >= deadline;
      if (outOfTime && !head) head = { due: deps.now().toISOString() };
      if (await deps.store.leases.release(conversationId, owner, progress(head), outOfTime)) {
        await afterRelease(deps, conversationId, head, run);
        return;
      }
      const again = await deps.store.leases.acquire(conversationId, owner, deps.now(), leaseUntil());
      state = again === 'held' ? undefined : again;
    }
  } catch (error) {
    // Taking the lease may have landed although it answered an error, and letting go may have failed:
    // a run that throws keeps no lease, so the stream's retry of its record (or the sweep) finds it free.
    await deps.store.leases.abandon(conversationId, owner).catch(() => undefined);
    throw error;
  }
}

async function afterRelease(deps: Deps, conversationId: string, head: Head, run: DeliveryRun) {
  if (head && 'waitingFor' in head) {
    // setWebhook may have saved the URL while this run parked; its look at the index can miss the park.
    const channel = await deps.store.directory.channels.get(head.waitingFor.channelId);
    if (targetUrl(channel, head.waitingFor.target)) await run.schedule?.(conversationId, Date.now());
    return;
  }
  if (head && 'due' in head) {
    const at = Date.parse(head.due);
    if (at - Date.now() < SWEEP_PERIOD_MS) await run.schedule?.(conversationId, at);
  }
}

/** Runs `work` over items, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const workers = Array.from({ length: Math.min(limit, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  });
  await Promise.all(workers);
}

export interface SweepOptions {
  /** How one conversation is delivered; the local runtime passes its own, which never runs one twice at once. */
  deliver?: (conversationId: string) => Promise<void>;
  /** Epoch ms after which no new conversation is started (a Lambda's own time limit). */
  stopAt?: number;
}

/**
 * Finds conversations with an event due now (one query per shard of the index, never a scan) and
 * the parked conversations of channels that have their URL by now, and delivers them. Retries come
 * due here; so does anything a trigger missed. What is left when time runs out stays for the next sweep.
 */
export async function sweepOutbox(
  deps: Deps,
  options: SweepOptions = {},
): Promise<{ conversations: number; due: number }> {
  const deliver = options.deliver ?? ((conversationId: string) => deliverConversation(deps, conversationId));
  const now = deps.now().toISOString();
  const shards = Array.from({ length: OUTBOX_SHARDS }, (_, shard) => shard);
  const channels = await deps.store.directory.channels.list();
  // A channel's parked conversations: all of them once the URL is there, else those whose other target is due.
  const [due, parked] = await Promise.all([
    Promise.all(shards.map((shard) => deps.store.outbox.due(shard, now))),
    Promise.all(
      channels.flatMap((channel) =>
        targets.map((target) =>
          targetUrl(channel, target)
            ? deps.store.outbox.waiting(channel.channelId, target)
            : deps.store.outbox.waiting(channel.channelId, target, now),
        ),
      ),
    ),
  ]);
  const conversationIds = [...new Set([...due.flat(), ...parked.flat()])];
  let started = 0;
  await eachLimited(conversationIds, 8, async (conversationId) => {
    if (options.stopAt !== undefined && Date.now() + defaultBudgetMs(deps) > options.stopAt) return;
    started++;
    try {
      await deliver(conversationId);
    } catch (error) {
      logger.error('delivery failed', { conversationId, ...failureForLog(error) });
    }
  });
  return { conversations: started, due: conversationIds.length };
}

/**
 * How many events are failed, for the sweep's metric and the alarm: read from counters, so the
 * sweep's cost does not grow with the failed events kept.
 */
export function failedEventCount(deps: Deps): Promise<number> {
  return deps.store.outbox.failedCount();
}
