import type { APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { defaultDeps } from '#deps';
import type { HttpResult } from '#http/responses.ts';
import { closeConnection } from '#live/connections.ts';
import { logger } from '#logger';

/** WebSocket `$disconnect`: forgets the connection. API Gateway may skip it; fan-out prunes on 410 then. */
export const handler = async (event: APIGatewayProxyWebsocketEventV2): Promise<HttpResult> => {
  const { connectionId } = event.requestContext;
  await closeConnection(defaultDeps(), connectionId);
  logger.info('live disconnected', { connectionId });
  return { statusCode: 200 };
};
