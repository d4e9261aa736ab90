import type { Context } from 'aws-lambda';
import { deliverConversation } from '#delivery/engine.ts';
import { sqsRetryTimer } from '#delivery/retry-timer.ts';
import { failedEventCount, sweepOutbox } from '#delivery/sweep.ts';
import { defaultDeps } from '#deps';
import { logger } from '#logger';
import { publishCount } from '#observability';

const schedule = sqsRetryTimer(process.env.RETRY_QUEUE_URL);

/**
 * Every minute: delivers due retries and anything the triggers missed, and reports `OutboxFailed`, the
 * failed events, from counters (it never reads the failed events, so the sweep costs the same with 10
 * or 10,000 of them kept). The metric is published only when there are failed events: CloudWatch bills
 * a custom metric for each hour it receives data, so an idle stack publishes none. That the sweep runs
 * is watched through its own invocation and error metrics (lib/monitoring.ts), not through this one.
 */
export const handler = async (_event: unknown, context: Context): Promise<void> => {
  const deps = defaultDeps();
  // Leaves room to count the outbox and publish metrics before the function's own time limit.
  const stopAt = Date.now() + context.getRemainingTimeInMillis() - 10_000;
  let conversations = 0;
  let pending = 0;
  try {
    ({ conversations, due: pending } = await sweepOutbox(deps, {
      stopAt,
      deliver: (conversationId) => deliverConversation(deps, conversationId, { schedule }),
    }));
  } finally {
    const failed = await failedEventCount(deps);
    if (failed > 0) publishCount('OutboxFailed', failed);
    logger.info('outbox swept', { conversations, pending, failed });
  }
};
