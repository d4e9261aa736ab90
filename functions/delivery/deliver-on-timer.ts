import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { deliverConversation } from '#delivery/engine.ts';
import { defaultDeps } from '#deps';
import { logger } from '#logger';

/**
 * The retry queue: each message, `{"conversationId": "..."}`, was sent with a delay so that it arrives
 * when a retry of that conversation is due, sooner than the next sweep. A conversation that fails is
 * reported, so SQS hands its message back after the visibility timeout (and to the dead-letter queue
 * after a few tries); the sweep still finds the work in the table.
 */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const deps = defaultDeps();
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  await Promise.all(
    event.Records.map(async (record) => {
      try {
        const { conversationId } = JSON.parse(record.body) as { conversationId: string };
        await deliverConversation(deps, conversationId);
      } catch (error) {
        logger.error('timed delivery failed', { messageId: record.messageId, error: error as Error });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }),
  );
  return { batchItemFailures };
};
