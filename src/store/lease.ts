import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { expiry, isConditionFailure } from '#store/items.ts';
import { keys } from '#store/keys.ts';
import type { Db } from '#store/table.ts';

/**
 * Takes (or extends) the right to deliver one conversation's events until `until`. A conditional
 * write, so of two deliverers (two Lambdas, or a Lambda and the sweep) only one holds it; a lease
 * whose holder died runs out by itself.
 */
export async function acquireLease(
  db: Db,
  conversationId: string,
  owner: string,
  now: Date,
  until: Date,
): Promise<boolean> {
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          ...keys.deliveryLease(conversationId),
          owner,
          leaseUntil: until.toISOString(),
          ...expiry(db, now.toISOString()),
        },
        ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now OR #owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':now': now.toISOString(), ':owner': owner },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export async function releaseLease(db: Db, conversationId: string, owner: string): Promise<void> {
  try {
    await db.doc.send(
      new DeleteCommand({
        TableName: db.tableName,
        Key: keys.deliveryLease(conversationId),
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}
