import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { outboxShards } from '#domain/outbox/config.ts';
import type { OutboxIndexPort } from '#domain/outbox/ports.ts';
import { isConditionFailure, landed, queryAll } from '#store/items.ts';
import { indexNames, keys } from '#store/keys.ts';
import type { Db } from '#store/table.ts';

/** A wake item disappears by itself (TTL) a day after it did its job. */
const WAKE_TTL_SECONDS = 86_400;

/**
 * The sparse byState index: where the sweep finds conversations with work, and where failed events
 * are listed. It is eventually consistent on DynamoDB, so it only ever helps to find work; the
 * engine decides on consistent reads of the conversation and its entries.
 */
export function dynamoOutboxIndex(db: Db): OutboxIndexPort {
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

    async waiting(channelId, target, otherDueBy) {
      const pk = keys.waitingPartition(channelId, target);
      const items = await queryAll(db, {
        IndexName: indexNames.byState,
        KeyConditionExpression: otherDueBy ? 'gsi1pk = :pk AND gsi1sk <= :until' : 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': pk, ...(otherDueBy && { ':until': `${otherDueBy}#~` }) },
        ProjectionExpression: 'conversationId',
      });
      return items.map((item) => item.conversationId as string);
    },

    async failed() {
      const pages = await Promise.all(
        outboxShards.map((shard) =>
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

    async failedCount() {
      const { Item } = await db.doc.send(
        new GetCommand({ TableName: db.tableName, Key: keys.failedCounter(), ConsistentRead: true }),
      );
      return Math.max(0, (Item?.events as number | undefined) ?? 0);
    },

    // One item: events fail (and are redriven) far below the 1,000 writes a second one item takes.
    async countFailed(delta, changeId) {
      // The SDK's resend of a change that landed meets its own id and counts nothing.
      await landed(
        db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: keys.failedCounter(),
            UpdateExpression: 'ADD events :delta SET lastChange = :change',
            ConditionExpression: 'attribute_not_exists(lastChange) OR lastChange <> :change',
            ExpressionAttributeValues: { ':delta': delta, ':change': changeId },
          }),
        ),
      );
    },

    async redrive(conversationId, seq, now, closedToo) {
      const due = keys.dueState(conversationId, now);
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: keys.conversation(conversationId),
            // Pending again: the conversation carries no expiry until the deliverer is done with it.
            UpdateExpression:
              'ADD redriven :seq, redriveVersion :one SET gsi1pk = :pk, gsi1sk = :sk REMOVE expiresAt',
            ConditionExpression: closedToo
              ? 'attribute_exists(pk)'
              : 'attribute_exists(pk) AND #status <> :closed',
            ...(!closedToo && { ExpressionAttributeNames: { '#status': 'status' } }),
            ExpressionAttributeValues: {
              ':seq': new Set([seq]),
              ':one': 1,
              ':pk': due.gsi1pk,
              ':sk': due.gsi1sk,
              ...(!closedToo && { ':closed': 'closed' }),
            },
          }),
        );
        return 'redriven';
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const { Item } = await db.doc.send(
          new GetCommand({
            TableName: db.tableName,
            Key: keys.conversation(conversationId),
            ConsistentRead: true,
            ProjectionExpression: 'pk',
          }),
        );
        return Item ? 'closed' : 'gone';
      }
    },

    async redriven(conversationId) {
      const { Item } = await db.doc.send(
        new GetCommand({
          TableName: db.tableName,
          Key: keys.conversation(conversationId),
          ConsistentRead: true,
          ProjectionExpression: 'redriven',
        }),
      );
      return [...((Item?.redriven as Set<number> | undefined) ?? [])];
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
