import type { TranscriptEntry } from '#domain/conversations/model.ts';
import type { Delivery, DeliveryTarget } from '#domain/outbox/model.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { ConflictError, NotFoundError } from '#domain/shared/errors.ts';
import { conversationOfMessageId, seqOfMessageId } from '#domain/shared/ids.ts';

export interface FailedEvent {
  id: string;
  conversationId: string;
  target: DeliveryTarget;
  type: string;
  attempts: number;
  lastError?: string;
  lastStatus?: number;
  failedAt?: string;
}

/** Failed events not put back in line yet (a redriven one stays failed until the deliverer takes it up). */
async function failedEntries(deps: Deps): Promise<TranscriptEntry[]> {
  const refs = await deps.store.outbox.failed();
  const conversations = [...new Set(refs.map((ref) => ref.conversationId))];
  const redrivenSets = new Map(
    await Promise.all(
      conversations.map(async (id) => [id, new Set(await deps.store.outbox.redriven(id))] as const),
    ),
  );
  const entries = await Promise.all(
    refs
      .filter((ref) => !redrivenSets.get(ref.conversationId)?.has(ref.seq))
      .map((ref) => deps.store.transcript.get(ref.conversationId, ref.seq)),
  );
  return entries.filter(
    (entry): entry is TranscriptEntry =>
      (entry as TranscriptEntry | undefined)?.delivery?.status === 'failed',
  );
}

/** Every event that ran out of tries, oldest failure first. */
export async function listFailedEvents(deps: Deps): Promise<FailedEvent[]> {
  return (await failedEntries(deps)).map(({ id, conversationId, delivery }) => ({
    id,
    conversationId,
    target: (delivery as Delivery).target,
    type: String((delivery as Delivery).payload.type),
    attempts: (delivery as Delivery).attempts,
    lastError: delivery?.lastError,
    lastStatus: delivery?.lastStatus,
    failedAt: delivery?.failedAt,
  }));
}

/** The failed event with this id, or undefined. */
export async function failedEvent(deps: Deps, id: string): Promise<TranscriptEntry | undefined> {
  const conversationId = conversationOfMessageId(id);
  const seq = seqOfMessageId(conversationId, id);
  const entry = seq === undefined ? undefined : await deps.store.transcript.get(conversationId, seq);
  return (entry as TranscriptEntry | undefined)?.delivery?.status === 'failed'
    ? (entry as TranscriptEntry)
    : undefined;
}

/** Why a failed event may not go back in line: once its conversation closed, only its `Closed` may. */
function closedConflict(): ConflictError {
  return new ConflictError(
    'conversation_closed',
    'The conversation is closed: only its failed Closed event may be redriven',
  );
}

/** The bot platform's close: its body is the platform's to read. */
const isClosedEvent = (deps: Deps, entry: TranscriptEntry) =>
  entry.delivery !== undefined && deps.platform.isClosed(entry.delivery.payload);

/**
 * Puts one failed event back in line, in one write of its conversation item: in the redriven set
 * (it sits behind the delivery cursor), the redrive counted, the conversation due now. The entry
 * itself stays `failed` until the deliverer, holding the lease, makes it pending and tries it, so
 * a fault after this write loses nothing and a fault before it leaves the event failed and
 * retryable. Refused once the conversation is closed, unless the event is the `Closed` itself.
 */
export async function requeueFailed(deps: Deps, entry: TranscriptEntry): Promise<void> {
  const now = deps.now().toISOString();
  const outcome = await deps.store.outbox.redrive(
    entry.conversationId,
    entry.seq,
    now,
    isClosedEvent(deps, entry),
  );
  if (outcome === 'closed') throw closedConflict();
  if (outcome === 'gone') throw new NotFoundError('conversation_not_found', 'No such conversation');
  // Only a nudge: the conversation is due in the index already, so the sweep finds it without this.
  await deps.store.outbox.wake(entry.conversationId, now);
  deps.outboxWritten(entry.conversationId);
}

/** Whether the event may be redriven now: its conversation open, or the event its `Closed`. */
export function assertRedrivable(
  deps: Deps,
  conversation: { status: string } | undefined,
  entry: TranscriptEntry,
) {
  if (conversation?.status === 'closed' && !isClosedEvent(deps, entry)) throw closedConflict();
}

/**
 * Puts failed events back in line: the given ids (each must be failed and redrivable, checked before
 * any is redriven), or all of them, skipping events of closed conversations other than their
 * `Closed`. Returns the ids redriven.
 */
export async function redriveFailedEvents(deps: Deps, ids?: string[]): Promise<string[]> {
  const entries = ids
    ? await Promise.all(
        ids.map(async (id) => {
          const entry = await failedEvent(deps, id);
          if (!entry) throw new NotFoundError('failed_event_not_found', `No failed event ${id}`);
          return entry;
        }),
      )
    : await failedEntries(deps);
  const redrivable: TranscriptEntry[] = [];
  for (const entry of entries) {
    const conversation = await deps.store.conversations.get(entry.conversationId);
    if (ids) assertRedrivable(deps, conversation, entry);
    else if (conversation?.status === 'closed' && !isClosedEvent(deps, entry)) continue;
    redrivable.push(entry);
  }
  const redrivenIds: string[] = [];
  for (const entry of redrivable) {
    try {
      await requeueFailed(deps, entry);
      redrivenIds.push(entry.id);
    } catch (error) {
      if (ids || !(error instanceof ConflictError || error instanceof NotFoundError)) throw error;
    }
  }
  return redrivenIds;
}
