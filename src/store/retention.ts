import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { RetentionPort } from '#domain/conversations/ports.ts';
import { landed } from '#store/items.ts';
import { keys } from '#store/keys.ts';
import type { Db } from '#store/table.ts';

type Key = { pk: string; sk: string };

/** Walks a conversation's items a page at a time (never the whole transcript in memory), keys and delivery state only. */
async function eachPage(db: Db, pk: string, visit: (items: Record<string, unknown>[]) => Promise<boolean>) {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ProjectionExpression: 'pk, sk, delivery.#status',
        ExpressionAttributeNames: { '#status': 'status' },
        ConsistentRead: true,
        Limit: 500,
        ExclusiveStartKey,
      }),
    );
    if (!(await visit(page.Items ?? []))) return;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

/**
 * A conversation item expired (DynamoDB TTL, counted from its last write): the rest of the
 * conversation goes with it, and so does the user's pointer if it still names it. No write leaves an
 * expiry on the item while an event is pending or failed (the numbered write, the redrive and the
 * deliverer's release all keep it off), so this should not find one; if it does anyway (an item
 * written by an older version), the item is put back without an expiry and due now, and nothing
 * undelivered is removed: the deliverer gives the expiry back once it is done with its events.
 * Idempotent: the stream may deliver the same record twice.
 */
async function expireConversation(
  db: Db,
  expired: Record<string, unknown>,
  now: Date,
): Promise<'removed' | 'kept'> {
  const conversationId = expired.conversationId as string;
  const { pk } = keys.conversation(conversationId);
  let undelivered = false;
  let back = false;
  await eachPage(db, pk, async (items) => {
    const statuses = items.map((item) => (item.delivery as { status?: string } | undefined)?.status);
    undelivered = statuses.some((status) => status === 'pending' || status === 'failed');
    back = items.some((item) => item.sk === keys.conversation(conversationId).sk);
    return !undelivered && !back;
  });
  // The item is there again: an earlier run of this record kept it. A late duplicate removes nothing.
  if (back) return 'kept';
  if (undelivered) {
    // Already back if this record came twice (or a new write recreated it): then there is nothing to do.
    // Put back without an expiry and due now: the deliverer finds it, and gives the expiry back when done.
    const { expiresAt: _expiry, leaseOwner: _owner, leaseUntil: _until, ...kept } = expired;
    await landed(
      db.doc.send(
        new PutCommand({
          TableName: db.tableName,
          Item: { ...kept, ...keys.dueState(conversationId, now.toISOString()) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    return 'kept';
  }
  await eachPage(db, pk, async (items) => {
    for (const item of items) {
      const { pk: itemPk, sk } = item as Key;
      await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: { pk: itemPk, sk } }));
    }
    return true;
  });
  await landed(
    db.doc.send(
      new DeleteCommand({
        TableName: db.tableName,
        Key: keys.openConversation(expired.channelId as string, expired.userId as string),
        ConditionExpression: 'conversationId = :id',
        ExpressionAttributeValues: { ':id': conversationId },
      }),
    ),
  );
  return 'removed';
}

export function dynamoRetention(db: Db): RetentionPort {
  return { expired: (removed, now) => expireConversation(db, removed, now) };
}
