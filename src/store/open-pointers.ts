import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ConversationsPort, OpenPointer } from '#domain/conversations/ports.ts';
import { landed } from '#store/items.ts';
import { keys } from '#store/keys.ts';
import type { Db } from '#store/table.ts';

/**
 * The user's open-conversation pointer (`OPEN#{channelId}#{userId}`): claimed before a conversation is
 * created and carrying its record, so a crash between the two is finished by the next request.
 */
export function openPointers(db: Db): Pick<ConversationsPort, 'pointer' | 'claimPointer' | 'releasePointer'> {
  return {
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
  };
}
