import type { DynamoDBStreamEvent } from 'aws-lambda';
import { changesOfRecord, defaultDeps } from '#deps';
import { type ConnectionPoster, fanOut } from '#live/fan-out.ts';
import { managementApiPoster } from '#live/management-api.ts';
import { logger } from '#logger';

let poster: ConnectionPoster | undefined;

/**
 * The table's stream, filtered to conversation items: tells the agents' open WebSockets what changed.
 * A failure (the table unreachable) fails the batch, which Lambda retries a few times; duplicates are
 * harmless, since a notification only says "look again".
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<void> => {
  const deps = defaultDeps();
  const endpoint = deps.config.LIVE_MANAGEMENT_URL;
  if (!endpoint) throw new Error('LIVE_MANAGEMENT_URL is not set');
  poster ??= managementApiPoster(endpoint, deps.config.AWS_REGION);
  const result = await fanOut(deps, event.Records.flatMap(changesOfRecord), poster);
  logger.info('live notified', { records: event.Records.length, ...result });
};
