import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import type { LiveSessions } from '#domain/live/ports.ts';
import type { ConnectionPoster } from '#live/fan-out.ts';
import { localLiveSessions } from '#live/sessions.ts';
import { logger } from '#logger';

const statusOf = (error: unknown) =>
  (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
const isGone = (error: unknown) => (error as Error).name === 'GoneException' || statusOf(error) === 410;

const clients = new Map<string, ApiGatewayManagementApiClient>();
function clientFor(endpoint: string, region: string): ApiGatewayManagementApiClient {
  let client = clients.get(endpoint);
  if (!client) {
    client = new ApiGatewayManagementApiClient({ endpoint, region });
    clients.set(endpoint, client);
  }
  return client;
}

/**
 * Posts to WebSocket connections through API Gateway's management API (the stage's callback URL).
 * 410 Gone means the client went away without a `$disconnect` reaching us: the caller prunes it.
 */
export function managementApiPoster(endpoint: string, region: string): ConnectionPoster {
  const client = clientFor(endpoint, region);
  return {
    async post(connectionId, data) {
      try {
        await client.send(
          new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(data) }),
        );
        return 'sent';
      } catch (error) {
        if (isGone(error)) return 'gone';
        logger.warn('live post failed', { errorName: (error as Error).name, statusCode: statusOf(error) });
        return 'failed';
      }
    },
  };
}

/** Ends a connection through the management API; one already gone counts as closed. */
async function closeManagedConnection(endpoint: string, region: string, connectionId: string) {
  try {
    await clientFor(endpoint, region).send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
  } catch (error) {
    if (isGone(error)) return;
    throw error;
  }
}

/**
 * Closes a connection where it lives: through API Gateway's management API when it was made there (its
 * record says where, else `managementUrl`), else on the local runtime's socket. A failure is logged,
 * not thrown: the session is void already, since fan-out and redeem check credential versions.
 */
export function managementApiSessions(options: { managementUrl?: string; region: string }): LiveSessions {
  return {
    async close(connection) {
      const endpoint = connection.managementUrl ?? options.managementUrl;
      if (!endpoint) return localLiveSessions.close(connection);
      try {
        await closeManagedConnection(endpoint, options.region, connection.connectionId);
      } catch (error) {
        // API Gateway ends the connection within 2 hours anyway, and it hears nothing meanwhile.
        logger.warn('live connection not closed', {
          connectionId: connection.connectionId,
          errorName: (error as Error).name,
        });
      }
    },
  };
}
