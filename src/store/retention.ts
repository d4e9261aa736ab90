import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { expiry, queryAll } from '#store/items.ts';
import { keys } from '#store/keys.ts';
import type { Db } from '#store/table.ts';

/**
 * A conversation item expired (DynamoDB TTL, counted from its last write): the rest of the
 * conversation goes with it, and so does the user's pointer if it still names it. Only the
 * conversation item carries a TTL, so nothing expires while the conversation is active. A
 * conversation that still has an event pending or failed is not let go: its item is put back for
 * another retention period, so TTL never removes an event that has not reached its target.
 */
export async function expireConversation(
  db: Db,
  expired: Record<string, unknown>,
): Promise<'removed' | 'kept'> {
  const conversationId = expired.conversationId as string;
  const { pk } = keys.conversation(conversationId);
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': pk },
    ConsistentRead: true,
  });
  const undelivered = items.some((item) => ['pending', 'failed'].includes(item.delivery?.status));
  if (undelivered) {
    const now = new Date().toISOString();
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...expired, ...expiry(db, now) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return 'kept';
  }
  for (const item of items) {
    await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: { pk: item.pk, sk: item.sk } }));
  }
  await db.doc
    .send(
      new DeleteCommand({
        TableName: db.tableName,
        Key: keys.openConversation(expired.channelId as string, expired.userId as string),
        ConditionExpression: 'conversationId = :id',
        ExpressionAttributeValues: { ':id': conversationId },
      }),
    )
    .catch((error: Error) => {
      if (error.name !== 'ConditionalCheckFailedException') throw error;
    });
  return 'removed';
}
