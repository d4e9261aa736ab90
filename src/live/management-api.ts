import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import type { ConnectionPoster } from '#live/fan-out.ts';
import { logger } from '#logger';

/**
 * Posts to WebSocket connections through API Gateway's management API (the stage's callback URL).
 * 410 Gone means the client went away without a `$disconnect` reaching us: the caller prunes it.
 */
export function managementApiPoster(endpoint: string, region: string): ConnectionPoster {
  const client = new ApiGatewayManagementApiClient({ endpoint, region });
  return {
    async post(connectionId, data) {
      try {
        await client.send(
          new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(data) }),
        );
        return 'sent';
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if ((error as Error).name === 'GoneException' || status === 410) return 'gone';
        logger.warn('live post failed', { errorName: (error as Error).name, statusCode: status });
        return 'failed';
      }
    },
  };
}
