import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '#domain/errors.ts';
import type { Conversation } from '#domain/model.ts';
import { expiry, fromItem, isConditionFailure, queryAll } from '#store/items.ts';
import { indexNames, keys } from '#store/keys.ts';
import type { Db } from '#store/table.ts';

type Stored = Conversation & { version: number };

function queueKeys(conversation: Conversation) {
  return keys.queue(
    conversation.destinationId,
    conversation.status,
    conversation.createdAt,
    conversation.conversationId,
  );
}

export async function getConversation(db: Db, conversationId: string): Promise<Stored | undefined> {
  const { Item } = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: keys.conversation(conversationId), ConsistentRead: true }),
  );
  return fromItem<Stored>(Item);
}

export async function findOpenConversationId(db: Db, channelId: string, userId: string) {
  const { Item } = await db.doc.send(
    new GetCommand({
      TableName: db.tableName,
      Key: keys.openConversation(channelId, userId),
      ConsistentRead: true,
    }),
  );
  return Item?.conversationId as string | undefined;
}

/**
 * Claims the user's open-conversation pointer. Only one conversation per user and channel is open:
 * of two concurrent openers one wins, and the other gets the winner's id back.
 */
export async function claimOpenPointer(
  db: Db,
  channelId: string,
  userId: string,
  conversationId: string,
): Promise<{ claimed: boolean; conversationId: string }> {
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...keys.openConversation(channelId, userId), conversationId },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { claimed: true, conversationId };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const existing = await findOpenConversationId(db, channelId, userId);
    return { claimed: false, conversationId: existing ?? conversationId };
  }
}

export async function releaseOpenPointer(db: Db, channelId: string, userId: string, conversationId: string) {
  try {
    await db.doc.send(
      new DeleteCommand({
        TableName: db.tableName,
        Key: keys.openConversation(channelId, userId),
        ConditionExpression: 'conversationId = :id',
        ExpressionAttributeValues: { ':id': conversationId },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

export async function createConversation(db: Db, conversation: Conversation): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: {
        ...conversation,
        version: 1,
        ...keys.conversation(conversation.conversationId),
        ...queueKeys(conversation),
        ...expiry(db, conversation.createdAt),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/**
 * Read-modify-write with optimistic locking: `change` sees the current conversation and returns the
 * fields to set (or throws a domain error); a concurrent change makes it run again on fresh data.
 */
export async function mutateConversation(
  db: Db,
  conversationId: string,
  change: (current: Conversation) => Partial<Conversation>,
): Promise<Conversation> {
  for (;;) {
    const current = await getConversation(db, conversationId);
    if (!current) throw new NotFoundError('conversation_not_found', 'No such conversation');
    const next: Conversation = { ...current, ...change(current) };
    const fields = {
      ...next,
      ...queueKeys(next),
      ...expiry(db, new Date().toISOString()),
      version: current.version + 1,
    } as Record<string, unknown>;
    const names = Object.keys(fields).filter((name) => name !== 'conversationId');
    const set = names.filter((name) => fields[name] !== undefined);
    const remove = names.filter((name) => fields[name] === undefined && name in current);
    try {
      await db.doc.send(
        new UpdateCommand({
          TableName: db.tableName,
          Key: keys.conversation(conversationId),
          UpdateExpression: [
            `SET ${set.map((name) => `#${name} = :${name}`).join(', ')}`,
            remove.length ? `REMOVE ${remove.map((name) => `#${name}`).join(', ')}` : '',
          ].join(' '),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeNames: Object.fromEntries([...set, ...remove].map((name) => [`#${name}`, name])),
          ExpressionAttributeValues: {
            ...Object.fromEntries(set.map((name) => [`:${name}`, fields[name]])),
            ':expected': current.version,
          },
        }),
      );
      return next;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}

/** Moves `lastMessageAt` forward without touching the version, so messages never conflict with accepts. */
export async function touchConversation(db: Db, conversationId: string, at: string): Promise<void> {
  try {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.conversation(conversationId),
        UpdateExpression:
          db.retentionDays > 0
            ? 'SET lastMessageAt = :at, expiresAt = :expiresAt'
            : 'SET lastMessageAt = :at',
        ConditionExpression: 'attribute_exists(pk) AND lastMessageAt < :at',
        ExpressionAttributeValues: {
          ':at': at,
          ...(db.retentionDays > 0 && { ':expiresAt': expiry(db, at).expiresAt }),
        },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/** Conversations queued for a destination, optionally of one status, oldest first. */
export async function listQueue(db: Db, destinationId: string, status?: string): Promise<Conversation[]> {
  const items = await queryAll(db, {
    IndexName: indexNames.byQueue,
    KeyConditionExpression: status ? 'gsi2pk = :pk AND begins_with(gsi2sk, :status)' : 'gsi2pk = :pk',
    ExpressionAttributeValues: {
      ':pk': `QUEUE#${destinationId}`,
      ...(status && { ':status': `${status}#` }),
    },
  });
  return items.map((item) => fromItem<Stored>(item) as Stored).map(({ version: _version, ...rest }) => rest);
}
