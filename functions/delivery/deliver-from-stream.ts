import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { deliverConversation } from '#delivery/engine.ts';
import { sqsRetryTimer } from '#delivery/retry-timer.ts';
import { defaultDeps } from '#deps';
import { failureForLog, logger } from '#logger';
import { expireConversation } from '#store/retention.ts';

const schedule = sqsRetryTimer(process.env.RETRY_QUEUE_URL);

/** A conversation item that DynamoDB's TTL removed (not one a person deleted). */
function expiredConversation(record: DynamoDBRecord) {
  const byTtl = record.userIdentity?.principalId === 'dynamodb.amazonaws.com';
  const image = record.dynamodb?.OldImage;
  if (record.eventName !== 'REMOVE' || !byTtl || image?.sk?.S !== 'META') return undefined;
  return unmarshall(image as Record<string, AttributeValue>);
}

/**
 * The table's stream, filtered to new outbox entries, wake-ups, and conversations removed by TTL.
 * Each conversation of a batch is delivered once, all of them side by side, each within its own
 * time budget, so one hanging webhook holds nobody else. A conversation that fails is reported by
 * its first record, so Lambda retries from there and nothing after it is skipped.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const deps = defaultDeps();
  const firstRecord = new Map<string, string>();
  const expired: { image: Record<string, unknown>; sequenceNumber: string }[] = [];
  for (const record of event.Records) {
    const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
    const image = expiredConversation(record);
    if (image) {
      expired.push({ image, sequenceNumber });
      continue;
    }
    const conversationId = record.dynamodb?.NewImage?.conversationId?.S;
    if (conversationId && !firstRecord.has(conversationId)) firstRecord.set(conversationId, sequenceNumber);
  }
  const batchItemFailures: DynamoDBBatchResponse['batchItemFailures'] = [];
  const guarded = async (conversationId: string, sequenceNumber: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      logger.error('stream record failed', { conversationId, ...failureForLog(error) });
      batchItemFailures.push({ itemIdentifier: sequenceNumber });
    }
  };
  await Promise.all([
    ...[...firstRecord].map(([conversationId, sequenceNumber]) =>
      guarded(conversationId, sequenceNumber, () => deliverConversation(deps, conversationId, { schedule })),
    ),
    ...expired.map(({ image, sequenceNumber }) =>
      guarded(String(image.conversationId), sequenceNumber, () => expireConversation(deps.db, image)),
    ),
  ]);
  return { batchItemFailures };
};
