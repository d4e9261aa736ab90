import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ConversationState, ConversationsPort } from '#domain/conversations/ports.ts';
import { batchGet, getConversation, prechatOf, readItem, toConversation } from '#store/conversation-item.ts';
import { indexNames, keys, sortKeys } from '#store/keys.ts';
import { numberedWrites } from '#store/numbered-write.ts';
import { openPointers } from '#store/open-pointers.ts';
import type { Db } from '#store/table.ts';

/** What a queue's page reads from the conversation items, because the queue index does not carry it. */
const notOnTheQueueIndex = ['waitingSince', 'firstResponseAt', 'offlineReplyKey', 'waitingReplyKey'] as const;

/**
 * The conversations port: reads here (one conversation, its pre-chat data, a page of a queue), the
 * numbered writes in `numbered-write.ts`, the user's pointer in `open-pointers.ts`; the item's shape in
 * `conversation-item.ts`.
 */
export function dynamoConversations(db: Db): ConversationsPort {
  return {
    get: (conversationId) => getConversation(db, conversationId),

    async prechat(conversationId) {
      const { Item } = await db.doc.send(
        new GetCommand({ TableName: db.tableName, Key: keys.prechat(conversationId), ConsistentRead: true }),
      );
      return prechatOf(Item ?? (await readItem(db, conversationId)));
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
      // The index carries what a list orders and shows as it was when the index was written. What it does
      // not carry comes from the items, in one batch: the pre-chat data (unless not asked for), and the
      // conversation item's wait, first answer and automatic replies given. Those are read from the table
      // rather than projected because a deployed index's projection cannot be changed in place.
      const ids = Items.map((item) => item.conversationId as string);
      const found = await batchGet(
        db,
        [
          ...ids.map((id) => keys.conversation(id)),
          ...(page.prechat === false ? [] : ids.map((id) => keys.prechat(id))),
        ],
        false,
      );
      const metas = new Map<string, Record<string, unknown>>();
      const prechats = new Map<string, Record<string, unknown>>();
      for (const item of found) {
        (item.sk === sortKeys.conversation ? metas : prechats).set(item.conversationId as string, item);
      }
      const conversations = Items.map((item) => {
        const { lastSeq: _seq, intent: _intent, ...conversation } = toConversation(item) as ConversationState;
        const meta = metas.get(conversation.conversationId) ?? {};
        const unprojected = Object.fromEntries(
          notOnTheQueueIndex.filter((name) => meta[name] !== undefined).map((name) => [name, meta[name]]),
        );
        return { ...conversation, ...unprojected, ...prechatOf(prechats.get(conversation.conversationId)) };
      });
      const next = LastEvaluatedKey && (LastEvaluatedKey.gsi2sk as string).slice(`${status}#`.length);
      return { conversations, ...(next && { next }) };
    },

    ...numberedWrites(db),
    ...openPointers(db),
  };
}
