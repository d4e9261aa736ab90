import { EventEmitter } from 'node:events';
import type { LiveSessions } from '#domain/ports.ts';
import { closeManagedConnection } from '#live/management-api.ts';
import { logger } from '#logger';

/**
 * In-process news for the local runtime's WebSocket server: `close` with the id of a connection whose
 * session ended. The runtime's sockets listen; in AWS nothing does, API Gateway's management API closes.
 */
export const liveSignals = new EventEmitter();
liveSignals.setMaxListeners(0);

/**
 * Closes a connection where it lives: through API Gateway's management API when it was made there (its
 * record says where, else the deployment's `LIVE_MANAGEMENT_URL`), else on the local runtime's socket.
 * A failure is logged and not thrown: the session is void already, since fan-out and redeem check versions.
 */
export function liveSessions(options: { managementUrl?: string; region: string }): LiveSessions {
  return {
    async close(connection) {
      const endpoint = connection.managementUrl ?? options.managementUrl;
      if (!endpoint) {
        liveSignals.emit('close', connection.connectionId);
        return;
      }
      try {
        await closeManagedConnection(endpoint, options.region, connection.connectionId);
      } catch (error) {
        // The session is void anyway (fan-out refuses its old credential version); API Gateway ends it within 2 hours.
        logger.warn('live connection not closed', {
          connectionId: connection.connectionId,
          errorName: (error as Error).name,
        });
      }
    },
  };
}
