import { BatchGetCommand, type BatchGetCommandOutput, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Conversation } from '#domain/conversations/model.ts';
import type { ConversationState, Prechat, StoredConversation } from '#domain/conversations/ports.ts';
import { keys, sortKeys } from '#store/keys.ts';
import type { Db } from '#store/table.ts';

/**
 * The conversation item (`CONV#{id}` / `META`) is the one point of serialisation of a conversation:
 * every entry takes its number from its counter in a conditional update that refuses once the
 * conversation is closed, so nothing is ever numbered after `Closed`. The same item carries the
 * delivery lease and cursors, so the deliverer needs no item of its own. It stays small: the pre-chat
 * data (up to 256 KiB) is an item of its own (`PRECHAT`), written at the opening and when DialogStudio
 * sends new pre-chat data, so no write per message or per delivery copies it.
 *
 * This file: the item's shape (what is record, what is bookkeeping) and reading it back.
 */

const prechatFields = ['attributes', 'hiddenAttributes', 'customData'] as const;

export function prechatOf(item: Record<string, unknown> | undefined): Prechat {
  return {
    attributes: (item?.attributes as Prechat['attributes'] | undefined) ?? {},
    hiddenAttributes: (item?.hiddenAttributes as Prechat['hiddenAttributes'] | undefined) ?? {},
    customData: (item?.customData as Prechat['customData'] | undefined) ?? {},
  };
}

/** Splits a record into its pre-chat data (if it names any) and the rest. */
export function withoutPrechat<T extends Partial<Prechat>>(record: T) {
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

export function toConversation(item: Record<string, unknown> | undefined): ConversationState | undefined {
  if (!item) return undefined;
  const record = Object.fromEntries(
    Object.entries(item).filter(
      ([name]) => !bookkeeping.has(name) && !(prechatFields as readonly string[]).includes(name),
    ),
  );
  return { lastSeq: 0, ...record } as ConversationState;
}

export function queueKeys(
  conversation: Pick<Conversation, 'destinationId' | 'status' | 'createdAt' | 'conversationId'>,
) {
  return keys.queue(
    conversation.destinationId,
    conversation.status,
    conversation.createdAt,
    conversation.conversationId,
  );
}

/**
 * Whether the item keeps its expiry off: while the sweep can find it (an event of it is pending or waits
 * for its URL) or any of its events is failed, TTL must not remove it, or a failed event would answer 404
 * to its retry and a pending one would never be found again.
 */
export function holdsExpiry(item: Record<string, unknown>): boolean {
  return item.gsi1pk !== undefined || item.failedEvents !== undefined;
}

/** The conversation item, read consistently. */
export async function readItem(db: Db, conversationId: string) {
  const { Item } = await db.doc.send(
    new GetCommand({
      TableName: db.tableName,
      Key: keys.conversation(conversationId),
      ConsistentRead: true,
    }),
  );
  return Item;
}

/** Items by key, in one round trip per hundred, whatever the store leaves unprocessed retried. */
export async function batchGet(db: Db, wanted: Record<string, unknown>[], consistent: boolean) {
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
}

/** The conversation with its pre-chat data, read consistently in one round trip. */
export async function getConversation(
  db: Db,
  conversationId: string,
): Promise<StoredConversation | undefined> {
  const items = await batchGet(db, [keys.conversation(conversationId), keys.prechat(conversationId)], true);
  const meta = items.find((item) => item.sk === sortKeys.conversation);
  if (!meta) return undefined;
  // Before the pre-chat data had its own item it was on the conversation item: read it from there.
  const prechat = items.find((item) => item.sk === keys.prechat(conversationId).sk) ?? meta;
  return { ...(toConversation(meta) as ConversationState), ...prechatOf(prechat) };
}

export async function putPrechat(db: Db, conversationId: string, prechat: Prechat) {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: { ...keys.prechat(conversationId), conversationId, ...prechat },
    }),
  );
}
