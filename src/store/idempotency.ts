import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { IdempotencyPort, IdempotencyRecord } from '#domain/idempotency/ports.ts';
import { isConditionFailure } from '#store/items.ts';
import { keys } from '#store/keys.ts';
import type { Db } from '#store/table.ts';

/**
 * An agent's Idempotency-Keys, one record per agent, conversation and key, under the conversation (so
 * retention takes them with it), each with its own TTL. The claim is a conditional put, so of two
 * requests with the same key only one does the work.
 */
export function dynamoIdempotency(db: Db): IdempotencyPort {
  const keyOf = (scope: { employeeId: string; conversationId: string }, key: string) =>
    keys.idempotency(scope.conversationId, scope.employeeId, key);
  return {
    async claim(scope, key, claim) {
      try {
        await db.doc.send(
          new PutCommand({
            TableName: db.tableName,
            Item: {
              ...keyOf(scope, key),
              fingerprint: claim.fingerprint,
              claimedAt: claim.claimedAt,
              expiresAt: Math.floor(Date.parse(claim.expiresAt) / 1000),
            },
            ConditionExpression:
              'attribute_not_exists(pk) OR expiresAt < :now OR (attribute_not_exists(#response) AND claimedAt < :stale AND fingerprint = :fingerprint)',
            ExpressionAttributeNames: { '#response': 'response' },
            ExpressionAttributeValues: {
              ':stale': claim.staleBefore,
              ':fingerprint': claim.fingerprint,
              ':now': Math.floor(Date.parse(claim.claimedAt) / 1000),
            },
          }),
        );
        return { claimed: true };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const { Item } = await db.doc.send(
        new GetCommand({ TableName: db.tableName, Key: keyOf(scope, key), ConsistentRead: true }),
      );
      // Gone between the two calls (its TTL ran out): taken as a claim in progress, so the caller looks for its entry.
      const record = (Item as IdempotencyRecord | undefined) ?? {
        fingerprint: claim.fingerprint,
        claimedAt: claim.claimedAt,
      };
      return { claimed: false, record };
    },

    async complete(scope, key, response) {
      await db.doc.send(
        new UpdateCommand({
          TableName: db.tableName,
          Key: keyOf(scope, key),
          UpdateExpression: 'SET #response = :response',
          ExpressionAttributeNames: { '#response': 'response' },
          ExpressionAttributeValues: { ':response': response },
        }),
      );
    },

    async release(scope, key, fingerprint) {
      try {
        await db.doc.send(
          new DeleteCommand({
            TableName: db.tableName,
            Key: keyOf(scope, key),
            ConditionExpression: 'attribute_not_exists(#response) AND fingerprint = :fingerprint',
            ExpressionAttributeNames: { '#response': 'response' },
            ExpressionAttributeValues: { ':fingerprint': fingerprint },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },
  };
}
