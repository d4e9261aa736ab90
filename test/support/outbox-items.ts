import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { Wired } from '#deps';

/** A conversation's transcript items as stored, in sequence order (read by a scan: no index, no paging seam). */
export async function transcriptItems(deps: Wired, conversationId: string) {
  const { Items = [] } = await deps.db.doc.send(new ScanCommand({ TableName: deps.db.tableName }));
  return Items.filter(
    (item) => item.pk === `CONV#${conversationId}` && String(item.sk).startsWith('MSG#'),
  ).sort((a, b) => a.seq - b.seq);
}

/** The stream records the delivery function sees for a new outbox entry of each conversation, in order. */
export function streamInsert(...conversationIds: string[]): DynamoDBStreamEvent {
  return {
    Records: conversationIds.map((conversationId, i) => ({
      eventName: 'INSERT',
      dynamodb: { SequenceNumber: String(i + 1), NewImage: { conversationId: { S: conversationId } } },
    })),
  } as unknown as DynamoDBStreamEvent;
}
