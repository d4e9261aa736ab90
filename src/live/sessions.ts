import { EventEmitter } from 'node:events';
import type { LiveSessions } from '#domain/live/ports.ts';

/**
 * In-process news for the local runtime's WebSocket server: `close` with the id of a connection whose
 * session ended. The runtime's sockets listen; in AWS nothing does, API Gateway's management API closes.
 */
export const liveSignals = new EventEmitter();
liveSignals.setMaxListeners(0);

/**
 * Closes the local runtime's sockets of this process. Every process but the command-line tool uses
 * this one (no Lambda revokes an agent, so none carries the management API client for it); a socket
 * of another process closes there once its record is gone.
 */
export const localLiveSessions: LiveSessions = {
  async close(connection) {
    liveSignals.emit('close', connection.connectionId);
  },
};

/** The management (callback) URL of the WebSocket API a `$connect` came through. */
export function managementUrlOf(context: { apiId: string; stage: string }, region: string): string {
  return `https://${context.apiId}.execute-api.${region}.amazonaws.com/${context.stage}`;
}
