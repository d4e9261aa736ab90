import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ConversationState, ConversationsPort } from '#domain/conversations/ports.ts';
import { batchGet, getConversation, prechatOf, readItem, toConversation } from '#store/conversation-item.ts';
import { indexNames, keys } from '#store/keys.ts';
import { numberedWrites } from '#store/numbered-write.ts';
import { openPointers } from '#store/open-pointers.ts';
import type { Db } from '#store/table.ts';

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
      // The index carries what a list shows but the pre-chat data: that comes from its own items.
      const prechats =
        page.prechat === false
          ? []
          : await batchGet(
              db,
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

    ...numberedWrites(db),
    ...openPointers(db),
  };
}
