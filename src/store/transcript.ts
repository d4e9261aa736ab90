import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Delivery, TranscriptEntry } from '#domain/model.ts';
import { expiry, fromItem, isConditionFailure, queryAll } from '#store/items.ts';
import { indexNames, keys, messageId, seqOfSortKey } from '#store/keys.ts';
import type { Db } from '#store/table.ts';

export type NewEntry = Omit<TranscriptEntry, 'id' | 'seq'>;

/** The byState index keys that make an outbox entry findable by the sweep, or none once it is done. */
export function stateKeys(
  entry: Pick<TranscriptEntry, 'conversationId' | 'channelId' | 'seq' | 'delivery'>,
): { gsi1pk: string; gsi1sk: string } | Record<string, never> {
  const { delivery } = entry;
  if (delivery?.status === 'pending' && delivery.waitingForUrl) {
    return keys.waitingState(
      delivery.target,
      entry.channelId,
      delivery.createdAt,
      entry.conversationId,
      entry.seq,
    );
  }
  if (delivery?.status === 'pending' && delivery.nextAttemptAt) {
    return keys.pendingState(delivery.nextAttemptAt, entry.conversationId, entry.seq);
  }
  if (delivery?.status === 'failed' && delivery.failedAt) {
    return keys.failedState(delivery.failedAt, entry.conversationId, entry.seq);
  }
  return {};
}

async function lastSeq(db: Db, conversationId: string): Promise<number> {
  const { pk, skPrefix } = keys.messages(conversationId);
  const { Items } = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
      ProjectionExpression: 'sk',
    }),
  );
  const last = Items?.[0];
  return last ? seqOfSortKey(last.sk as string) : 0;
}

/**
 * Appends one entry to a conversation's transcript in a single conditional write. The sequence number
 * is the last one plus one, and the write only lands if that slot is still free, so entry N always
 * exists before entry N+1 is written: a reader that sees N+1 has seen everything before it. An entry
 * with a delivery is the outbox record itself, so recording it and queueing it are one write.
 * `build` gets the entry's id, so that an outbox payload can carry it.
 */
export async function appendEntry(
  db: Db,
  conversationId: string,
  build: (id: string) => NewEntry,
): Promise<TranscriptEntry> {
  for (;;) {
    const seq = (await lastSeq(db, conversationId)) + 1;
    const id = messageId(conversationId, seq);
    const stored: TranscriptEntry = { ...build(id), conversationId, id, seq };
    try {
      await db.doc.send(
        new PutCommand({
          TableName: db.tableName,
          Item: {
            ...stored,
            ...keys.message(conversationId, seq),
            ...stateKeys(stored),
            ...expiry(db, stored.createdAt),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return stored;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}

export async function getEntry(
  db: Db,
  conversationId: string,
  seq: number,
): Promise<TranscriptEntry | undefined> {
  const { Item } = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: keys.message(conversationId, seq), ConsistentRead: true }),
  );
  return fromItem<TranscriptEntry>(Item);
}

/** The transcript, oldest first, optionally only what follows a given sequence number. */
export async function listEntries(db: Db, conversationId: string, afterSeq = 0): Promise<TranscriptEntry[]> {
  const from = keys.message(conversationId, afterSeq + 1);
  const { skPrefix } = keys.messages(conversationId);
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': from.pk, ':from': from.sk, ':to': `${skPrefix}~` },
    ConsistentRead: true,
  });
  return items.map((item) => fromItem<TranscriptEntry>(item) as TranscriptEntry);
}

/** Outbox entries of a conversation that are still pending, oldest first. */
export async function listPendingEntries(db: Db, conversationId: string): Promise<TranscriptEntry[]> {
  const { pk, skPrefix } = keys.messages(conversationId);
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    FilterExpression: '#delivery.#status = :pending',
    ExpressionAttributeNames: { '#delivery': 'delivery', '#status': 'status' },
    ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix, ':pending': 'pending' },
    ConsistentRead: true,
  });
  return items.map((item) => fromItem<TranscriptEntry>(item) as TranscriptEntry);
}

/**
 * Replaces an entry's delivery state, but only if nobody changed it since `previous` was read
 * (compared by attempts and status). Returns false when it lost that race.
 */
export async function saveDelivery(
  db: Db,
  entry: TranscriptEntry,
  previous: Delivery,
  delivery: Delivery,
): Promise<boolean> {
  const state = stateKeys({ ...entry, delivery });
  const hasState = 'gsi1pk' in state && 'gsi1sk' in state;
  try {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.message(entry.conversationId, entry.seq),
        UpdateExpression: hasState
          ? 'SET delivery = :delivery, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk'
          : 'SET delivery = :delivery REMOVE gsi1pk, gsi1sk',
        ConditionExpression: 'delivery.attempts = :attempts AND delivery.#status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':delivery': delivery,
          ':attempts': previous.attempts,
          ':status': previous.status,
          ...(hasState && { ':gsi1pk': state.gsi1pk, ':gsi1sk': state.gsi1sk }),
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export interface OutboxRef {
  conversationId: string;
  seq: number;
}

/**
 * Outbox entries in one state, oldest first, from the sparse byState index: a query of one
 * partition, never a scan. `until` (ISO time) keeps only pending entries already due.
 */
export async function listByState(
  db: Db,
  state: 'PENDING' | 'FAILED' | `WAITING#${string}`,
  until?: string,
): Promise<OutboxRef[]> {
  const items = await queryAll(db, {
    IndexName: indexNames.byState,
    KeyConditionExpression: until ? 'gsi1pk = :pk AND gsi1sk <= :until' : 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': `OUTBOX#${state}`, ...(until && { ':until': `${until}#~` }) },
    ProjectionExpression: 'conversationId, seq',
  });
  return items.map((item) => ({ conversationId: item.conversationId as string, seq: item.seq as number }));
}
