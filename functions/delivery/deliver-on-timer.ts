import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { deliverConversation } from '#delivery/engine.ts';
import { sqsRetryTimer } from '#delivery/retry-timer.ts';
import { defaultDeps } from '#deps';
import { failureForLog, logger } from '#logger';

const schedule = sqsRetryTimer(process.env.RETRY_QUEUE_URL);

/** The retry timer went off: delivers each conversation named in the batch, side by side, each within its budget. */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const deps = defaultDeps();
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  await Promise.all(
    event.Records.map(async (record) => {
      let conversationId: string | undefined;
      try {
        ({ conversationId } = JSON.parse(record.body) as { conversationId?: string });
        if (conversationId) await deliverConversation(deps, conversationId, { schedule });
      } catch (error) {
        logger.error('delivery failed', { conversationId, ...failureForLog(error) });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }),
  );
  return { batchItemFailures };
};
