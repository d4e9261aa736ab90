import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TranscriptEntry } from '#domain/conversations/model.ts';
import type { Gap, TranscriptPort } from '#domain/conversations/ports.ts';
import type { Delivery } from '#domain/outbox/model.ts';
import { Expression } from '#store/expression.ts';
import { fromItem, landed } from '#store/items.ts';
import { keys, messageId, seqOfSortKey } from '#store/keys.ts';
import type { Db } from '#store/table.ts';

/**
 * Transcript entries, one item each at `MSG#{seq}`. An entry that carries an event is the outbox
 * record itself. Entries have no TTL of their own: they live as long as their conversation item
 * (see `#store/retention.ts`), so none expires while it is pending or failed.
 */

function toEntry(item: Record<string, unknown> | undefined): TranscriptEntry | Gap | undefined {
  return fromItem<TranscriptEntry | Gap>(item);
}

/** The failed-events index keys of an entry in that state, or none. */
function failedKeys(entry: Pick<TranscriptEntry, 'conversationId' | 'seq'>, delivery: Delivery | undefined) {
  return delivery?.status === 'failed' && delivery.failedAt
    ? keys.failedState(delivery.failedAt, entry.conversationId, entry.seq)
    : undefined;
}

export function dynamoTranscript(db: Db): TranscriptPort {
  const putIfFree = async (item: Record<string, unknown>): Promise<boolean> => {
    return landed(
      db.doc.send(
        new PutCommand({
          TableName: db.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  };

  const get = async (conversationId: string, seq: number) => {
    const { Item } = await db.doc.send(
      new GetCommand({
        TableName: db.tableName,
        Key: keys.message(conversationId, seq),
        ConsistentRead: true,
      }),
    );
    return toEntry(Item);
  };

  /** Puts an entry at its number; true when it is there now by this write, also if it landed before. */
  const putOwn = async (entry: TranscriptEntry): Promise<boolean> => {
    const item = {
      ...entry,
      ...keys.message(entry.conversationId, entry.seq),
      ...failedKeys(entry, entry.delivery),
    };
    if (await putIfFree(item)) return true;
    // Refused: a gap or another write's entry, or this very put, sent again by the SDK after it landed.
    const found = await get(entry.conversationId, entry.seq);
    return entry.writeId !== undefined && (found as TranscriptEntry | undefined)?.writeId === entry.writeId;
  };

  const rangePage = async (conversationId: string, fromSeq: number, toSeq: number, limit: number) => {
    if (toSeq < fromSeq) return { entries: [] };
    const from = keys.message(conversationId, fromSeq);
    const { Items = [], LastEvaluatedKey } = await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': from.pk,
          ':from': from.sk,
          ':to': keys.message(conversationId, toSeq).sk,
        },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    const entries = Items.map((item) => toEntry(item) as TranscriptEntry | Gap);
    const stoppedAt = LastEvaluatedKey ? seqOfSortKey(LastEvaluatedKey.sk as string) : toSeq;
    return { entries, ...(stoppedAt < toSeq && { continueAt: stoppedAt + 1 }) };
  };

  return {
    async put(entries) {
      const written = await Promise.all(entries.map(putOwn));
      return entries.filter((_entry, i) => !written[i]).map((entry) => entry.seq);
    },

    rangePage,

    async range(conversationId, fromSeq, toSeq, limit) {
      const entries: (TranscriptEntry | Gap)[] = [];
      let from: number | undefined = fromSeq;
      while (from !== undefined && entries.length < limit) {
        const page = await rangePage(conversationId, from, toSeq, limit - entries.length);
        entries.push(...page.entries);
        from = page.continueAt;
      }
      return entries;
    },

    get,

    async fillGap(conversationId, seq, at) {
      // A state change keeps its entries on the conversation item until they are written: write the entry, not a gap.
      const { Item } = await db.doc.send(
        new GetCommand({
          TableName: db.tableName,
          Key: keys.conversation(conversationId),
          ProjectionExpression: 'intent',
          ConsistentRead: true,
        }),
      );
      const intended = ((Item?.intent ?? []) as TranscriptEntry[]).find((entry) => entry.seq === seq);
      if (intended) {
        await putOwn(intended);
        return false;
      }
      return putIfFree({
        ...keys.message(conversationId, seq),
        conversationId,
        seq,
        id: messageId(conversationId, seq),
        gap: true,
        createdAt: at,
      });
    },

    async saveDelivery(entry, previous, next) {
      // A failed event is indexed where the redrive finds it; any other state leaves that index.
      const failed = failedKeys(entry, next);
      const expression = new Expression().assign({
        delivery: next,
        gsi1pk: failed?.gsi1pk,
        gsi1sk: failed?.gsi1sk,
      });
      const condition = `delivery.attempts = ${expression.value(previous.attempts)} AND delivery.${expression.name('status')} = ${expression.value(previous.status)}`;
      return landed(
        db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: keys.message(entry.conversationId, entry.seq),
            ConditionExpression: condition,
            ...expression.params(),
          }),
        ),
      );
    },

    async findByIdempotencyKey(conversationId, key, since) {
      const { pk, skPrefix } = keys.messages(conversationId);
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await db.doc.send(
          new QueryCommand({
            TableName: db.tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
            ScanIndexForward: false,
            ConsistentRead: true,
            Limit: 25,
            ExclusiveStartKey,
          }),
        );
        for (const item of page.Items ?? []) {
          if (item.idempotencyKey === key) return toEntry(item) as TranscriptEntry;
          if ((item.createdAt as string) < since) return undefined;
        }
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return undefined;
    },
  };
}
