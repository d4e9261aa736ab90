import { randomUUID } from 'node:crypto';
import { PutCommand, QueryCommand, type QueryCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { OutboxIndexPort } from '#domain/ports.ts';
import { queryAll } from '#store/items.ts';
import { indexNames, keys, OUTBOX_SHARDS } from '#store/keys.ts';
import type { Db } from '#store/table.ts';

const shards = Array.from({ length: OUTBOX_SHARDS }, (_, shard) => shard);

/** A wake item disappears by itself (TTL) a day after it did its job. */
const WAKE_TTL_SECONDS = 86_400;

/**
 * The sparse byState index: where the sweep finds conversations with work, and where failed events
 * are listed. It is eventually consistent on DynamoDB, so it only ever helps to find work; the
 * engine decides on consistent reads of the conversation and its entries.
 */
export function dynamoOutboxIndex(db: Db): OutboxIndexPort {
  const count = async (partition: string): Promise<number> => {
    let total = 0;
    let ExclusiveStartKey: QueryCommandInput['ExclusiveStartKey'];
    do {
      const page = await db.doc.send(
        new QueryCommand({
          TableName: db.tableName,
          IndexName: indexNames.byState,
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': partition },
          Select: 'COUNT',
          ExclusiveStartKey,
        }),
      );
      total += page.Count ?? 0;
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return total;
  };

  return {
    async due(shard, until) {
      const items = await queryAll(db, {
        IndexName: indexNames.byState,
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :until',
        ExpressionAttributeValues: { ':pk': keys.duePartition(shard), ':until': `${until}#~` },
        ProjectionExpression: 'conversationId',
      });
      return items.map((item) => item.conversationId as string);
    },

    async waiting(channelId, target) {
      const items = await queryAll(db, {
        IndexName: indexNames.byState,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.waitingPartition(channelId, target) },
        ProjectionExpression: 'conversationId',
      });
      return items.map((item) => item.conversationId as string);
    },

    async failed() {
      const pages = await Promise.all(
        shards.map((shard) =>
          queryAll(db, {
            IndexName: indexNames.byState,
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.failedPartition(shard) },
            ProjectionExpression: 'conversationId, seq, gsi1sk',
          }),
        ),
      );
      return pages
        .flat()
        .sort((a, b) => String(a.gsi1sk).localeCompare(String(b.gsi1sk)))
        .map((item) => ({ conversationId: item.conversationId as string, seq: item.seq as number }));
    },

    async counts() {
      const [due, failed] = await Promise.all([
        Promise.all(shards.map((shard) => count(keys.duePartition(shard)))),
        Promise.all(shards.map((shard) => count(keys.failedPartition(shard)))),
      ]);
      const sum = (numbers: number[]) => numbers.reduce((total, n) => total + n, 0);
      return { pendingConversations: sum(due), failedEvents: sum(failed) };
    },

    async requeue(conversationId, seq, now) {
      const due = keys.dueState(conversationId, now);
      await db.doc.send(
        new UpdateCommand({
          TableName: db.tableName,
          Key: keys.conversation(conversationId),
          UpdateExpression: 'ADD redriven :seq SET gsi1pk = :pk, gsi1sk = :sk',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':seq': new Set([seq]), ':pk': due.gsi1pk, ':sk': due.gsi1sk },
        }),
      );
    },

    async wake(conversationId, now) {
      await db.doc.send(
        new PutCommand({
          TableName: db.tableName,
          Item: {
            ...keys.wake(conversationId, randomUUID()),
            conversationId,
            createdAt: now,
            expiresAt: Math.floor(Date.parse(now) / 1000) + WAKE_TTL_SECONDS,
          },
        }),
      );
    },
  };
}
