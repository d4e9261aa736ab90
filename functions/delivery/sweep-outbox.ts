import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { deliverConversation, failedEventCount, sweepOutbox } from '#delivery/engine.ts';
import { sqsRetryTimer } from '#delivery/retry-timer.ts';
import { defaultDeps } from '#deps';
import { logger } from '#logger';
import { observability } from '#observability';

const metrics = new Metrics({
  namespace: observability.metricsNamespace,
  serviceName: observability.serviceName,
});
const schedule = sqsRetryTimer(process.env.RETRY_QUEUE_URL);

/**
 * Every minute: delivers due retries and anything the triggers missed, and reports the outbox:
 * `OutboxPending`, the conversations it found with an event due (or parked on a URL that is set by
 * now), and `OutboxFailed`, the failed events, from counters. Neither reads the failed events, so
 * the sweep costs the same with 10 or 10,000 of them kept. The metrics are published whatever
 * happens, so their absence means the sweep itself is broken (the alarms treat missing data as breaching).
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
    metrics.addMetric('OutboxPending', MetricUnit.Count, pending);
    metrics.addMetric('OutboxFailed', MetricUnit.Count, failed);
    metrics.addMetric('SweepConversations', MetricUnit.Count, conversations);
    metrics.publishStoredMetrics();
    logger.info('outbox swept', { conversations, pending, failed });
  }
};
