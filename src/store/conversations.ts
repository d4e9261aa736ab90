import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Conversation } from '#domain/conversations/model.ts';
import type {
  ConversationState,
  ConversationsPort,
  ConversationWrite,
  Guard,
  OpenPointer,
  Prechat,
  StoredConversation,
  WriteResult,
} from '#domain/conversations/ports.ts';
import { Expression } from '#store/expression.ts';
import { expiry, isConditionFailure, landed } from '#store/items.ts';
import { indexNames, keys, seqOfSortKey, sortKeys } from '#store/keys.ts';
import type { Db } from '#store/table.ts';

/**
 * The conversation item (`CONV#{id}` / `META`) is the one point of serialisation of a conversation:
 * every entry takes its number from its counter in a conditional update that refuses once the
 * conversation is closed, so nothing is ever numbered after `Closed`. The same item carries the
 * delivery lease and cursors, so the deliverer needs no item of its own. It stays small: the pre-chat
 * data (up to 256 KiB) is an item of its own (`PRECHAT`), written at the opening and when DialogStudio
 * sends new pre-chat data, so no write per message or per delivery copies it.
 */

const prechatFields = ['attributes', 'hiddenAttributes', 'customData'] as const;

function prechatOf(item: Record<string, unknown> | undefined): Prechat {
  return {
    attributes: (item?.attributes as Prechat['attributes'] | undefined) ?? {},
    hiddenAttributes: (item?.hiddenAttributes as Prechat['hiddenAttributes'] | undefined) ?? {},
    customData: (item?.customData as Prechat['customData'] | undefined) ?? {},
  };
}

/** Splits a record into its pre-chat data (if it names any) and the rest. */
function withoutPrechat<T extends Partial<Prechat>>(record: T) {
  const { attributes, hiddenAttributes, customData, ...rest } = record;
  const named = [attributes, hiddenAttributes, customData].some((field) => field !== undefined);
  return { prechat: named ? prechatOf({ attributes, hiddenAttributes, customData }) : undefined, rest };
}

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
  'lastWriteId',
  'lastWriteSeq',
  'redriveVersion',
  'failedEvents',
]);

function toConversation(item: Record<string, unknown> | undefined): ConversationState | undefined {
  if (!item) return undefined;
  const record = Object.fromEntries(
    Object.entries(item).filter(
      ([name]) => !bookkeeping.has(name) && !(prechatFields as readonly string[]).includes(name),
    ),
  );
  return { lastSeq: 0, ...record } as ConversationState;
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
  // Named only when a condition uses it: DynamoDB refuses an unused name.
  let assigneeName: string | undefined;
  const assignee = () => {
    assigneeName ??= expression.name('assignee');
    return assigneeName;
  };
  if (guard.destinationIn) {
    const list = guard.destinationIn.map((id) => expression.value(id)).join(', ');
    conditions.push(`${expression.name('destinationId')} IN (${list})`);
  }
  if (guard.assigneeFreeFor) {
    conditions.push(
      `(attribute_not_exists(${assignee()}) OR ${assignee()} = ${expression.value(guard.assigneeFreeFor)})`,
    );
  }
  if (guard.assigneeIs) conditions.push(`${assignee()} = ${expression.value(guard.assigneeIs)}`);
  if (guard.takeoverFrom) conditions.push(`${assignee()} = ${expression.value(guard.takeoverFrom)}`);
  return conditions;
}

export function dynamoConversations(db: Db): ConversationsPort {
  const read = async (conversationId: string) => {
    const { Item } = await db.doc.send(
      new GetCommand({
        TableName: db.tableName,
        Key: keys.conversation(conversationId),
        ConsistentRead: true,
      }),
    );
    return Item;
  };

  /** Items by key, in one round trip per hundred, whatever the store leaves unprocessed retried. */
  const batchGet = async (wanted: Record<string, unknown>[], consistent: boolean) => {
    const found: Record<string, unknown>[] = [];
    for (let i = 0; i < wanted.length; i += 100) {
      let Keys: Record<string, unknown>[] | undefined = wanted.slice(i, i + 100);
      while (Keys && Keys.length > 0) {
        const { Responses, UnprocessedKeys }: BatchGetCommandOutput = await db.doc.send(
          new BatchGetCommand({
            RequestItems: { [db.tableName]: { Keys, ConsistentRead: consistent } },
          }),
        );
        found.push(...(Responses?.[db.tableName] ?? []));
        Keys = UnprocessedKeys?.[db.tableName]?.Keys;
      }
    }
    return found;
  };

  const get = async (conversationId: string): Promise<StoredConversation | undefined> => {
    const items = await batchGet([keys.conversation(conversationId), keys.prechat(conversationId)], true);
    const meta = items.find((item) => item.sk === sortKeys.conversation);
    if (!meta) return undefined;
    // Before the pre-chat data had its own item it was on the conversation item: read it from there.
    const prechat = items.find((item) => item.sk === keys.prechat(conversationId).sk) ?? meta;
    return { ...(toConversation(meta) as ConversationState), ...prechatOf(prechat) };
  };

  const putPrechat = async (conversationId: string, prechat: Prechat) => {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...keys.prechat(conversationId), conversationId, ...prechat },
      }),
    );
  };

  return {
    get,

    async prechat(conversationId) {
      const { Item } = await db.doc.send(
        new GetCommand({ TableName: db.tableName, Key: keys.prechat(conversationId), ConsistentRead: true }),
      );
      return prechatOf(Item ?? (await read(conversationId)));
    },

    async create(conversation, { writeId, intent, outbox }) {
      const { prechat, rest } = withoutPrechat(conversation);
      // The pre-chat item first: a conversation item never names pre-chat data that is not there yet.
      const empty = Object.values(prechat ?? {}).every((field) => Object.keys(field).length === 0);
      if (prechat && !empty) await putPrechat(conversation.conversationId, prechat);
      const created = await landed(
        db.doc.send(
          new PutCommand({
            TableName: db.tableName,
            Item: {
              ...rest,
              lastSeq: intent.length,
              lastWriteId: writeId,
              lastWriteSeq: intent.length,
              ...(intent.length > 0 && { intent }),
              ...keys.conversation(conversation.conversationId),
              ...queueKeys(conversation),
              ...(outbox && keys.dueState(conversation.conversationId, conversation.createdAt)),
              ...expiry(db, conversation.createdAt),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      if (created) return true;
      // Refused: another request created it, or this one did and the SDK sent it again.
      return (await read(conversation.conversationId))?.lastWriteId === writeId;
    },

    async write(conversationId, write: ConversationWrite): Promise<WriteResult> {
      const expression = new Expression();
      const lastWriteId = expression.name('lastWriteId');
      const token = expression.value(write.writeId);
      const conditions = [
        'attribute_exists(pk)',
        `${expression.name('status')} <> ${expression.value('closed')}`,
        `(attribute_not_exists(${lastWriteId}) OR ${lastWriteId} <> ${token})`,
      ];
      const lastSeq = expression.name('lastSeq');
      let numbered: string;
      if (write.expectLastSeq !== undefined) {
        conditions.push(`${lastSeq} = ${expression.value(write.expectLastSeq)}`);
        numbered = expression.value(write.expectLastSeq + write.entries);
      } else {
        numbered = `if_not_exists(${lastSeq}, ${expression.value(0)}) + ${expression.value(write.entries)}`;
      }
      // Operands read the item as it was, so both get the new counter: lastWriteSeq recalls where this write ended.
      expression.set(
        `${lastSeq} = ${numbered}`,
        `${expression.name('lastWriteSeq')} = ${numbered}`,
        `${lastWriteId} = ${token}`,
      );
      if (write.intent) expression.set(`${expression.name('intent')} = ${expression.value(write.intent)}`);
      if (write.entries > 0) {
        expression.set(`${expression.name('lastMessageAt')} = ${expression.value(write.at)}`);
      }
      const { expiresAt } = expiry(db, write.at);
      if (expiresAt !== undefined)
        expression.set(`${expression.name('expiresAt')} = ${expression.value(expiresAt)}`);
      const { prechat, rest: fields } = withoutPrechat(write.set ?? {});
      expression.assign(fields);
      const { status, destinationId } = write.set ?? {};
      if (status !== undefined || destinationId !== undefined) {
        // The queue key names status and destination; the write states both, checked against the item.
        const queue = write.queue;
        if (!queue) throw new Error('a status or destination change needs the queue it lands in');
        const { gsi2pk, gsi2sk } = queueKeys({ ...queue, conversationId });
        expression.set(`gsi2pk = ${expression.value(gsi2pk)}`, `gsi2sk = ${expression.value(gsi2sk)}`);
        if (destinationId === undefined) {
          conditions.push(`${expression.name('destinationId')} = ${expression.value(queue.destinationId)}`);
        }
      }
      if (write.outbox) {
        const due = keys.dueState(conversationId, write.at);
        expression.set(
          `gsi1pk = if_not_exists(gsi1pk, ${expression.value(due.gsi1pk)})`,
          `gsi1sk = if_not_exists(gsi1sk, ${expression.value(due.gsi1sk)})`,
        );
      }
      conditions.push(...guardConditions(expression, write.guard));
      if (prechat) {
        // Replaced before the update: a crash between leaves new pre-chat data that the caller's retry writes again.
        await putPrechat(conversationId, prechat);
      }
      try {
        const { Attributes } = await db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: keys.conversation(conversationId),
            ConditionExpression: conditions.join(' AND '),
            ...expression.params(),
            ReturnValues: 'ALL_NEW',
          }),
        );
        const conversation = toConversation(Attributes) as ConversationState;
        return { ok: true, conversation, firstSeq: conversation.lastSeq - write.entries + 1 };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const item = await read(conversationId);
        if (item?.lastWriteId === write.writeId) {
          // This very write landed before (the SDK sent it again after an error): answer as it would have.
          const conversation = toConversation(item) as ConversationState;
          return { ok: true, conversation, firstSeq: (item.lastWriteSeq as number) - write.entries + 1 };
        }
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
      const claimed = await landed(
        db.doc.send(
          new PutCommand({
            TableName: db.tableName,
            Item: { ...keys.openConversation(channelId, userId), ...pointer },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      if (claimed) return true;
      // Refused: another request's pointer, or this one's, sent again by the SDK after it landed.
      const { Item } = await db.doc.send(
        new GetCommand({
          TableName: db.tableName,
          Key: keys.openConversation(channelId, userId),
          ConsistentRead: true,
        }),
      );
      return Item?.conversationId === pointer.conversationId;
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
      const { Items = [], LastEvaluatedKey } = await db.doc.send(
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
      // The index carries what a list shows but the pre-chat data: that comes from its own items.
      const prechats = await batchGet(
        Items.map((item) => keys.prechat(item.conversationId as string)),
        false,
      );
      const byId = new Map(prechats.map((item) => [item.conversationId as string, item]));
      const conversations = Items.map((item) => {
        const { lastSeq: _seq, intent: _intent, ...conversation } = toConversation(item) as ConversationState;
        return { ...conversation, ...prechatOf(byId.get(conversation.conversationId)) };
      });
      const next = LastEvaluatedKey && (LastEvaluatedKey.gsi2sk as string).slice(`${status}#`.length);
      return { conversations, ...(next && { next }) };
    },
  };
}
