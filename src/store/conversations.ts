import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Conversation } from '#domain/model.ts';
import type {
  ConversationsPort,
  ConversationWrite,
  Guard,
  OpenPointer,
  StoredConversation,
  WriteResult,
} from '#domain/ports.ts';
import { Expression } from '#store/expression.ts';
import { expiry, isConditionFailure, landed } from '#store/items.ts';
import { indexNames, keys, seqOfSortKey } from '#store/keys.ts';
import type { Db } from '#store/table.ts';

/**
 * The conversation item (`CONV#{id}` / `META`) is the one point of serialisation of a conversation:
 * every entry takes its number from its counter in a conditional update that refuses once the
 * conversation is closed, so nothing is ever numbered after `Closed`. The same item carries the
 * delivery lease and cursors, so the deliverer needs no item of its own.
 */

/** Attributes of the item that are bookkeeping, not part of the conversation record. */
const bookkeeping = new Set([
  'pk',
  'sk',
  'gsi1pk',
  'gsi1sk',
  'gsi2pk',
  'gsi2sk',
  'expiresAt',
  'leaseOwner',
  'leaseUntil',
  'anotherPass',
  'cursors',
  'redriven',
  'redriveVersion',
  'failedEvents',
]);

function toConversation(item: Record<string, unknown> | undefined): StoredConversation | undefined {
  if (!item) return undefined;
  const record = Object.fromEntries(Object.entries(item).filter(([name]) => !bookkeeping.has(name)));
  return { lastSeq: 0, ...record } as StoredConversation;
}

function queueKeys(
  conversation: Pick<Conversation, 'destinationId' | 'status' | 'createdAt' | 'conversationId'>,
) {
  return keys.queue(
    conversation.destinationId,
    conversation.status,
    conversation.createdAt,
    conversation.conversationId,
  );
}

function guardConditions(expression: Expression, guard: Guard | undefined): string[] {
  if (!guard) return [];
  const conditions: string[] = [];
  const assignee = expression.name('assignee');
  if (guard.destinationIn) {
    const list = guard.destinationIn.map((id) => expression.value(id)).join(', ');
    conditions.push(`${expression.name('destinationId')} IN (${list})`);
  }
  if (guard.assigneeFreeFor) {
    conditions.push(
      `(attribute_not_exists(${assignee}) OR ${assignee} = ${expression.value(guard.assigneeFreeFor)})`,
    );
  }
  if (guard.assigneeIs) conditions.push(`${assignee} = ${expression.value(guard.assigneeIs)}`);
  if (guard.takeoverFrom) conditions.push(`${assignee} = ${expression.value(guard.takeoverFrom)}`);
  return conditions;
}

export function dynamoConversations(db: Db): ConversationsPort {
  const get = async (conversationId: string) => {
    const { Item } = await db.doc.send(
      new GetCommand({
        TableName: db.tableName,
        Key: keys.conversation(conversationId),
        ConsistentRead: true,
      }),
    );
    return toConversation(Item);
  };

  return {
    get,

    async create(conversation, lastSeq, outbox) {
      return landed(
        db.doc.send(
          new PutCommand({
            TableName: db.tableName,
            Item: {
              ...conversation,
              lastSeq,
              ...keys.conversation(conversation.conversationId),
              ...queueKeys(conversation),
              ...(outbox && keys.dueState(conversation.conversationId, conversation.createdAt)),
              ...expiry(db, conversation.createdAt),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },

    async write(conversationId, write: ConversationWrite): Promise<WriteResult> {
      const expression = new Expression();
      const set: string[] = [];
      const remove: string[] = [];
      const add: string[] = [];
      const conditions = [
        'attribute_exists(pk)',
        `${expression.name('status')} <> ${expression.value('closed')}`,
      ];
      if (write.entries > 0) {
        add.push(`${expression.name('lastSeq')} ${expression.value(write.entries)}`);
        set.push(`${expression.name('lastMessageAt')} = ${expression.value(write.at)}`);
      }
      const { expiresAt } = expiry(db, write.at);
      if (expiresAt !== undefined)
        set.push(`${expression.name('expiresAt')} = ${expression.value(expiresAt)}`);
      for (const [field, value] of Object.entries(write.set ?? {})) {
        if (value === undefined) remove.push(expression.name(field));
        else set.push(`${expression.name(field)} = ${expression.value(value)}`);
      }
      const { status, destinationId } = write.set ?? {};
      if (status !== undefined || destinationId !== undefined) {
        // The queue key names status and destination; the write states both, checked against the item.
        const queue = write.queue;
        if (!queue) throw new Error('a status or destination change needs the queue it lands in');
        const { gsi2pk, gsi2sk } = queueKeys({ ...queue, conversationId });
        set.push(`gsi2pk = ${expression.value(gsi2pk)}`, `gsi2sk = ${expression.value(gsi2sk)}`);
        if (destinationId === undefined) {
          conditions.push(`${expression.name('destinationId')} = ${expression.value(queue.destinationId)}`);
        }
      }
      if (write.outbox) {
        const due = keys.dueState(conversationId, write.at);
        set.push(
          `gsi1pk = if_not_exists(gsi1pk, ${expression.value(due.gsi1pk)})`,
          `gsi1sk = if_not_exists(gsi1sk, ${expression.value(due.gsi1sk)})`,
        );
      }
      conditions.push(...guardConditions(expression, write.guard));
      const clauses = [
        set.length ? `SET ${set.join(', ')}` : '',
        remove.length ? `REMOVE ${remove.join(', ')}` : '',
        add.length ? `ADD ${add.join(', ')}` : '',
      ].filter(Boolean);
      try {
        const { Attributes } = await db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: keys.conversation(conversationId),
            UpdateExpression: clauses.join(' '),
            ConditionExpression: conditions.join(' AND '),
            ExpressionAttributeNames: expression.names,
            ExpressionAttributeValues: expression.values,
            ReturnValues: 'ALL_NEW',
          }),
        );
        const conversation = toConversation(Attributes) as StoredConversation;
        return { ok: true, conversation, firstSeq: conversation.lastSeq - write.entries + 1 };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        return { ok: false, current: await get(conversationId) };
      }
    },

    async catchUpCounter(conversationId) {
      const { pk, skPrefix } = keys.messages(conversationId);
      const { Items = [] } = await db.doc.send(
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
      const last = Items[0] ? seqOfSortKey(Items[0].sk as string) : 0;
      await landed(
        db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: keys.conversation(conversationId),
            UpdateExpression: 'SET lastSeq = :last',
            ConditionExpression:
              'attribute_exists(pk) AND (attribute_not_exists(lastSeq) OR lastSeq < :last)',
            ExpressionAttributeValues: { ':last': last },
          }),
        ),
      );
    },

    async pointer(channelId, userId) {
      const { Item } = await db.doc.send(
        new GetCommand({
          TableName: db.tableName,
          Key: keys.openConversation(channelId, userId),
          ConsistentRead: true,
        }),
      );
      if (!Item) return undefined;
      return {
        conversationId: Item.conversationId,
        createdAt: Item.createdAt,
        opening: Item.opening,
      } as OpenPointer;
    },

    async claimPointer(channelId, userId, pointer) {
      return landed(
        db.doc.send(
          new PutCommand({
            TableName: db.tableName,
            Item: { ...keys.openConversation(channelId, userId), ...pointer },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },

    async releasePointer(channelId, userId, conversationId) {
      await landed(
        db.doc.send(
          new DeleteCommand({
            TableName: db.tableName,
            Key: keys.openConversation(channelId, userId),
            ConditionExpression: 'conversationId = :id',
            ExpressionAttributeValues: { ':id': conversationId },
          }),
        ),
      );
    },

    async queue(destinationId, status, page) {
      const { gsi2pk } = keys.queue(destinationId, status, '', '');
      const { Items = [] } = await db.doc.send(
        new QueryCommand({
          TableName: db.tableName,
          IndexName: indexNames.byQueue,
          KeyConditionExpression: page.after
            ? 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to'
            : 'gsi2pk = :pk AND begins_with(gsi2sk, :status)',
          ExpressionAttributeValues: {
            ':pk': gsi2pk,
            ...(page.after
              ? { ':from': `${status}#${page.after}#`, ':to': `${status}#~` }
              : { ':status': `${status}#` }),
          },
          Limit: page.limit,
        }),
      );
      return Items.map((item) => {
        const { lastSeq: _seq, ...conversation } = toConversation(item) as StoredConversation;
        return conversation;
      });
    },
  };
}
