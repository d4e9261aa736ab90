import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { deliverConversation } from '#delivery/engine.ts';
import { defaultDeps } from '#deps';
import { logger } from '#logger';

/**
 * The table's stream, filtered to outbox entries that became pending: delivers each conversation
 * once per batch. A conversation that fails is reported by its first record, so Lambda retries
 * from there and nothing after it is skipped.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const deps = defaultDeps();
  const firstRecord = new Map<string, string>();
  for (const record of event.Records) {
    const conversationId = record.dynamodb?.NewImage?.conversationId?.S;
    const sequenceNumber = record.dynamodb?.SequenceNumber;
    if (conversationId && sequenceNumber && !firstRecord.has(conversationId)) {
      firstRecord.set(conversationId, sequenceNumber);
    }
  }
  const batchItemFailures: DynamoDBBatchResponse['batchItemFailures'] = [];
  await Promise.all(
    [...firstRecord].map(async ([conversationId, sequenceNumber]) => {
      try {
        await deliverConversation(deps, conversationId);
      } catch (error) {
        logger.error('delivery failed', { conversationId, error: error as Error });
        batchItemFailures.push({ itemIdentifier: sequenceNumber });
      }
    }),
  );
  return { batchItemFailures };
};
