import { randomBytes } from 'node:crypto';
import { type IncomingMessage, type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { WebSocket, WebSocketServer } from 'ws';
import { liveRoutes } from '#api/routes.ts';
import { followChanges, type Wired } from '#deps';
import { type ConnectionPoster, fanOut } from '#live/fan-out.ts';
import { liveSignals } from '#live/sessions.ts';
import { arrivedRequest, webSocketEvent } from '#local/api-gateway-event.ts';

type LiveHandler = (event: unknown) => Promise<APIGatewayProxyResultV2>;

/** Where the local runtime serves the WebSocket, on its own port. */
const livePath = '/live';
/** Pings find dead peers (a closed laptop) without a request to the API; API Gateway does this itself. */
const pingSeconds = 30;
/**
 * How often open sockets are checked against their records: a revoke made by the command-line tool (another
 * process) deletes them, and the socket closes here within this time. A revoke in this process closes at once.
 */
const sessionCheckSeconds = 5;
/** The close code a socket gets when its session ended (revoke or a new token): an application code, 4000-4999. */
export const sessionEndedCode = 4001;

function loadLiveHandler(root: string, routeKey: '$connect' | '$disconnect'): Promise<LiveHandler> {
  const route = liveRoutes.find((candidate) => candidate.routeKey === routeKey);
  if (!route) throw new Error(`No live route ${routeKey}`);
  return import(pathToFileURL(`${root}/${route.entry}`).href).then((module) => module.handler as LiveHandler);
}

/** The WebSocket event API Gateway sends to `$connect` (with the upgrade's headers and query) and `$disconnect`. */
function liveEvent(
  routeKey: '$connect' | '$disconnect',
  connectionId: string,
  request: IncomingMessage,
  connectedAt: number,
) {
  const { headers, sourceIp } = arrivedRequest(request);
  const api = {
    accountId: 'local',
    apiId: 'local',
    domainName: request.headers.host ?? 'localhost',
    stage: '$default',
  };
  return webSocketEvent(api, {
    routeKey,
    connectionId,
    connectedAt,
    sourceIp,
    ...(routeKey === '$connect' && {
      headers,
      query: new URL(request.url ?? '/', 'http://localhost').searchParams,
    }),
  });
}

function refuse(socket: Duplex, statusCode: number) {
  socket.end(`HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode] ?? 'Refused'}\r\nConnection: close\r\n\r\n`);
}

/**
 * Live updates in the local runtime, on the HTTP server's own port: an upgrade to `/live` runs the
 * route table's `$connect` handler (which redeems the ticket and records the connection, as in AWS),
 * and a close runs `$disconnect`. The change feed hands every conversation write to the same fan-out
 * as the AWS notifier, which posts to the open sockets here instead of through API Gateway.
 */
export function startLiveSocket(server: Server, root: string, deps: Wired) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const sockets = new Map<string, WebSocket & { alive?: boolean }>();
  const disconnects = new Set<Promise<unknown>>();
  const connect = loadLiveHandler(root, '$connect');
  const disconnect = loadLiveHandler(root, '$disconnect');

  server.on('upgrade', async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== livePath) return refuse(socket, 404);
    const connectionId = randomBytes(12).toString('base64url');
    const connectedAt = Date.now();
    try {
      const result = await (await connect)(liveEvent('$connect', connectionId, request, connectedAt));
      const statusCode = typeof result === 'object' ? (result.statusCode ?? 200) : 200;
      if (statusCode !== 200) return refuse(socket, statusCode);
    } catch {
      return refuse(socket, 500);
    }
    wss.handleUpgrade(request, socket, head, (ws: WebSocket & { alive?: boolean }) => {
      sockets.set(connectionId, ws);
      ws.alive = true;
      ws.on('pong', () => {
        ws.alive = true;
      });
      ws.on('close', () => {
        sockets.delete(connectionId);
        const done = disconnect
          .then((handler) => handler(liveEvent('$disconnect', connectionId, request, connectedAt)))
          .catch(() => undefined);
        disconnects.add(done);
        void done.finally(() => disconnects.delete(done));
      });
    });
  });

  const poster: ConnectionPoster = {
    post: (connectionId, data) => {
      const ws = sockets.get(connectionId);
      if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.resolve('gone');
      return new Promise((resolve) => ws.send(data, (error) => resolve(error ? 'gone' : 'sent')));
    },
  };
  const feed = followChanges(deps, (changes) => fanOut(deps, changes, poster));

  const endSession = (connectionId: string) =>
    sockets.get(connectionId)?.close(sessionEndedCode, 'session ended');
  liveSignals.on('close', endSession);
  const sessionCheck = setInterval(async () => {
    for (const connectionId of [...sockets.keys()]) {
      const recorded = await deps.store.live.getConnection(connectionId).catch(() => true);
      if (!recorded) endSession(connectionId);
    }
  }, sessionCheckSeconds * 1000);
  sessionCheck.unref();

  const pinger = setInterval(() => {
    for (const ws of sockets.values()) {
      if (!ws.alive) {
        ws.terminate();
        continue;
      }
      ws.alive = false;
      ws.ping();
    }
  }, pingSeconds * 1000);
  pinger.unref();

  return {
    /** Closes every socket (running `$disconnect` for each) and waits for notifications in flight. */
    close: async () => {
      clearInterval(pinger);
      clearInterval(sessionCheck);
      liveSignals.off('close', endSession);
      await feed.stop();
      await Promise.all(
        [...sockets.values()].map((ws) => {
          const closed = new Promise((resolve) => ws.once('close', resolve));
          ws.terminate();
          return closed;
        }),
      );
      await Promise.all(disconnects);
      wss.close();
    },
  };
}
