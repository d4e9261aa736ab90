import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { deliverConversation } from '#delivery/engine.ts';
import { sqsRetryTimer } from '#delivery/retry-timer.ts';
import { changesOfRecord, defaultDeps } from '#deps';
import { failureForLog, logger } from '#logger';

const schedule = sqsRetryTimer(process.env.RETRY_QUEUE_URL);

/**
 * The table's stream, filtered to new outbox entries, wake-ups, and conversations removed by TTL.
 * Each conversation of a batch is delivered once, all of them side by side, each within its own
 * time budget, so one hanging webhook holds nobody else. A conversation that fails is reported by
 * its first record, so Lambda retries from there and nothing after it is skipped.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const deps = defaultDeps();
  const work = new Map<string, { sequenceNumber: string; run: () => Promise<unknown> }>();
  const expiries: { sequenceNumber: string; conversationId: string; run: () => Promise<unknown> }[] = [];
  for (const record of event.Records) {
    const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
    for (const change of changesOfRecord(record)) {
      const { conversationId } = change;
      if (change.kind === 'conversation-expired') {
        // Retention is the store's, reached through the domain's port: the item as the record carried it.
        expiries.push({
          sequenceNumber,
          conversationId,
          run: () => deps.store.retention.expired(change.expired, deps.now()),
        });
      } else if (change.kind === 'outbox-written' && !work.has(conversationId)) {
        work.set(conversationId, {
          sequenceNumber,
          run: () => deliverConversation(deps, conversationId, { schedule }),
        });
      }
    }
  }
  const batchItemFailures: DynamoDBBatchResponse['batchItemFailures'] = [];
  const guarded = async ({ conversationId, sequenceNumber, run }: (typeof expiries)[number]) => {
    try {
      await run();
    } catch (error) {
      logger.error('stream record failed', { conversationId, ...failureForLog(error) });
      batchItemFailures.push({ itemIdentifier: sequenceNumber });
    }
  };
  await Promise.all([
    ...[...work].map(([conversationId, found]) => guarded({ conversationId, ...found })),
    ...expiries.map(guarded),
  ]);
  return { batchItemFailures };
};
