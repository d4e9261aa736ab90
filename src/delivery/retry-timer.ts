import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { failureForLog, logger } from '#logger';

/** SQS holds a message back at most this long; later retries are left to the sweep. */
const MAX_DELAY_SECONDS = 900;

/**
 * In AWS, a retry due before the next sweep goes out on time through a delay queue: the message
 * `{conversationId}` becomes visible when the retry is due and triggers the timer function. Without
 * a queue (the local runtime has its own timers) scheduling does nothing and the sweep remains.
 */
export function sqsRetryTimer(queueUrl: string | undefined) {
  if (!queueUrl) return undefined;
  const client = new SQSClient({});
  return async (conversationId: string, atMs: number): Promise<void> => {
    const delaySeconds = Math.max(0, Math.ceil((atMs - Date.now()) / 1000));
    if (delaySeconds > MAX_DELAY_SECONDS) return;
    try {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify({ conversationId }),
          DelaySeconds: delaySeconds,
        }),
      );
    } catch (error) {
      // The conversation's head is in the index: the sweep delivers it, only later.
      logger.warn('retry timer not set', { conversationId, ...failureForLog(error) });
    }
  };
}
