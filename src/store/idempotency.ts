import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { expiry, isConditionFailure } from '#store/items.ts';
import { keys } from '#store/keys.ts';
import type { Db } from '#store/table.ts';

/** One Idempotency-Key of one conversation: who claimed it with which request, and the first answer. */
export interface IdempotencyRecord {
  fingerprint: string;
  claimedAt: string;
  response?: Record<string, unknown>;
}

/**
 * Claims a key with a conditional put, so that of two requests with the same key only one does the
 * work. A claim older than `staleBefore` whose work never finished may be taken over.
 */
export async function claimIdempotencyKey(
  db: Db,
  conversationId: string,
  key: string,
  claim: { fingerprint: string; claimedAt: string; staleBefore: string },
): Promise<{ claimed: true } | { claimed: false; record: IdempotencyRecord }> {
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          ...keys.idempotency(conversationId, key),
          fingerprint: claim.fingerprint,
          claimedAt: claim.claimedAt,
          ...expiry(db, claim.claimedAt),
        },
        ConditionExpression:
          'attribute_not_exists(pk) OR (attribute_not_exists(#response) AND claimedAt < :stale AND fingerprint = :fingerprint)',
        ExpressionAttributeNames: { '#response': 'response' },
        ExpressionAttributeValues: { ':stale': claim.staleBefore, ':fingerprint': claim.fingerprint },
      }),
    );
    return { claimed: true };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  const { Item } = await db.doc.send(
    new GetCommand({
      TableName: db.tableName,
      Key: keys.idempotency(conversationId, key),
      ConsistentRead: true,
    }),
  );
  return { claimed: false, record: Item as IdempotencyRecord };
}

export async function completeIdempotencyKey(
  db: Db,
  conversationId: string,
  key: string,
  response: Record<string, unknown>,
): Promise<void> {
  await db.doc.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: keys.idempotency(conversationId, key),
      UpdateExpression: 'SET #response = :response',
      ExpressionAttributeNames: { '#response': 'response' },
      ExpressionAttributeValues: { ':response': response },
    }),
  );
}
