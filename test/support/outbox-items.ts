import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { Wired } from '#deps';
import { keys } from '#store/keys.ts';

/** A conversation's transcript items as stored, in sequence order (read by a scan: no index, no paging seam). */
export async function transcriptItems(deps: Wired, conversationId: string) {
  const { Items = [] } = await deps.db.doc.send(new ScanCommand({ TableName: deps.db.tableName }));
  return Items.filter(
    (item) =>
      item.pk === keys.conversation(conversationId).pk &&
      String(item.sk).startsWith(keys.messages(conversationId).skPrefix),
  ).sort((a, b) => a.seq - b.seq);
}

/**
 * The stream records the delivery function sees for a new outbox entry of each conversation, in order:
 * the entry's keys and its new image with a delivery state, as the stream filter lets them through.
 */
export function streamInsert(...conversationIds: string[]): DynamoDBStreamEvent {
  return {
    Records: conversationIds.map((conversationId, i) => {
      const key = keys.message(conversationId, 1);
      return {
        eventName: 'INSERT',
        eventSource: 'aws:dynamodb',
        dynamodb: {
          SequenceNumber: String(i + 1),
          Keys: marshall(key),
          NewImage: marshall({
            ...key,
            conversationId,
            seq: 1,
            delivery: { status: 'pending', attempts: 0 },
          }),
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
      };
    }),
  } as DynamoDBStreamEvent;
}
