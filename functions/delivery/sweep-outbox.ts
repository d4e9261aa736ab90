import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { outboxDepth, sweepOutbox } from '#delivery/engine.ts';
import { defaultDeps } from '#deps';
import { logger } from '#logger';

const metrics = new Metrics({ namespace: 'OperatorBridge', serviceName: 'operator-bridge' });

/** Every minute: delivers due retries and anything the stream missed, and reports the outbox depth. */
export const handler = async (_event: unknown, context: Context): Promise<void> => {
  const deps = defaultDeps();
  // Leaves room to save state and publish metrics before the function's own time limit.
  const stopAt = Date.now() + context.getRemainingTimeInMillis() - 5_000;
  const { conversations } = await sweepOutbox(deps, { stopAt });
  const { pending, failed } = await outboxDepth(deps);
  metrics.addMetric('OutboxPending', MetricUnit.Count, pending);
  metrics.addMetric('OutboxFailed', MetricUnit.Count, failed);
  metrics.publishStoredMetrics();
  logger.info('outbox swept', { conversations, pending, failed });
};
