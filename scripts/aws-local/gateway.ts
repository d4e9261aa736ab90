import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { arrivedRequest, httpApiEvent, webSocketEvent } from '#local/api-gateway-event.ts';
import { type Listening, listen, type Principals, readBody } from './aws-proxy.ts';
import type { LocalFunction, Outcome } from './lambda.ts';
import { account, region } from './template.ts';

/**
 * API Gateway for the local deployment: an HTTP API (payload format 2.0) that picks a route by its
 * route key as API Gateway does (the most specific path; `$default` when none matches), a WebSocket API
 * whose `$connect` decides whether the upgrade succeeds and whose `$disconnect` runs when it closes, and
 * the WebSocket API's management endpoint (`POST @connections/{id}`) on a port of its own, checked
 * against the caller's role (`execute-api:ManageConnections`).
 */
export interface HttpRoute {
  routeKey: string;
  fn: LocalFunction;
}

const gatewayTimeoutMs = 30_000;

interface CompiledRoute extends HttpRoute {
  method: string;
  pattern: RegExp;
  names: string[];
  literalSegments: number;
  greedy: boolean;
}

function compile(route: HttpRoute): CompiledRoute {
  const [method = 'ANY', path = '/'] = route.routeKey.split(' ');
  const names: string[] = [];
  let greedy = false;
  const segments = path.split('/').filter(Boolean);
  const source = segments
    .map((segment) => {
      const variable = /^\{([^}+]+)(\+?)\}$/.exec(segment);
      if (!variable) return `/${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
      names.push(variable[1] as string);
      if (variable[2]) {
        greedy = true;
        // As the route table reads `{name+}` (src/api/routes.ts): the rest of the path, even none. Not
        // verified against API Gateway, whose documentation does not say whether `/console/` matches.
        return '/(.*)';
      }
      return '/([^/]+)';
    })
    .join('');
  return {
    ...route,
    method,
    pattern: new RegExp(`^${source || '/'}$`),
    names,
    literalSegments: segments.filter((segment) => !segment.startsWith('{')).length,
    greedy,
  };
}

export async function startHttpApi(
  apiId: string,
  routes: HttpRoute[],
  port = 0,
): Promise<Listening & { requests: { routeKey: string; status: number }[] }> {
  // Compiled on each request: the deployment adds routes once its functions exist.
  const table = () => ({
    compiled: routes
      .filter((route) => route.routeKey !== '$default')
      .map(compile)
      .sort((a, b) => Number(a.greedy) - Number(b.greedy) || b.literalSegments - a.literalSegments),
    fallback: routes.find((route) => route.routeKey === '$default'),
  });
  const requests: { routeKey: string; status: number }[] = [];

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    const { compiled, fallback } = table();
    let chosen: HttpRoute | undefined;
    let pathParameters: Record<string, string> | undefined;
    for (const route of compiled) {
      if (route.method !== method && route.method !== 'ANY') continue;
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      chosen = route;
      if (route.names.length) {
        pathParameters = Object.fromEntries(
          route.names.map((name, i) => [name, decodeURIComponent(match[i + 1] as string)]),
        );
      }
      break;
    }
    chosen ??= fallback;
    if (!chosen) {
      respond(response, 404, { 'content-type': 'application/json' }, '{"message":"Not Found"}');
      requests.push({ routeKey: '-', status: 404 });
      return;
    }
    const arrived = arrivedRequest(request, await readBody(request));
    const { headers } = arrived;
    const domainName = headers.host ?? `${apiId}.execute-api.${region}.amazonaws.com`;
    headers['x-forwarded-for'] = arrived.sourceIp;
    headers['x-forwarded-proto'] = 'https';
    headers['x-amzn-trace-id'] =
      `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
    const event = httpApiEvent({ accountId: account, apiId, domainName, stage: '$default' }, arrived, {
      routeKey: chosen.routeKey,
      pathParameters,
    });
    const outcome = await Promise.race([
      chosen.fn.invoke(event),
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), gatewayTimeoutMs).unref()),
    ]);
    const status = answer(response, outcome);
    requests.push({ routeKey: chosen.routeKey, status });
  }

  const server = createServer((request, response) => {
    void handle(request, response).catch(() =>
      respond(response, 500, {}, '{"message":"Internal Server Error"}'),
    );
  });
  return { ...(await listen(server, port)), requests };
}

/** An HTTP API's answer from a function's result (payload format 2.0), or API Gateway's own errors. */
function answer(response: ServerResponse, outcome: Outcome | 'timeout'): number {
  const json = { 'content-type': 'application/json' };
  if (outcome === 'timeout') return respond(response, 503, json, '{"message":"Service Unavailable"}');
  if ('error' in outcome) return respond(response, 500, json, '{"message":"Internal Server Error"}');
  const result = outcome.result as Record<string, unknown> | string | null;
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    return respond(response, 200, json, typeof result === 'string' ? result : JSON.stringify(result));
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries((result.headers as Record<string, unknown>) ?? {})) {
    headers[name.toLowerCase()] = String(value);
  }
  if (Array.isArray(result.cookies) && result.cookies.length)
    headers['set-cookie'] = result.cookies.map(String);
  const body =
    typeof result.body === 'string'
      ? result.isBase64Encoded
        ? Buffer.from(result.body, 'base64')
        : Buffer.from(result.body)
      : Buffer.alloc(0);
  return respond(response, Number(result.statusCode), headers, body);
}

function respond(
  response: ServerResponse,
  status: number,
  headers: Record<string, string | string[]>,
  body: string | Buffer,
): number {
  if (!response.headersSent) response.writeHead(status, headers);
  response.end(body);
  return status;
}

export interface WebSocketApi {
  url: string;
  managementUrl: string;
  /** Connections API Gateway holds open, by connection id. */
  connections: Map<string, WebSocket>;
  close(): Promise<void>;
}

/**
 * A WebSocket API with `$connect` and `$disconnect` routes (and no others: a message gets API Gateway's
 * `Forbidden` answer), on one port, and its management endpoint on another.
 */
export async function startWebSocketApi(options: {
  apiId: string;
  stage: string;
  routes: Map<string, LocalFunction>;
  principals: Principals;
  port?: number;
  managementPort?: number;
}): Promise<WebSocketApi> {
  const { apiId, stage, routes, principals } = options;
  const connections = new Map<string, WebSocket>();
  const sockets = new WebSocketServer({ noServer: true });
  const server = createServer((_request, response) => {
    respond(response, 426, { 'content-type': 'application/json' }, '{"message":"Upgrade Required"}');
  });

  const api = {
    accountId: account,
    apiId,
    domainName: `${apiId}.execute-api.${region}.amazonaws.com`,
    stage,
  };

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (url.pathname.replace(/\/+$/, '') !== `/${stage}`) {
        socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
        return;
      }
      const connectionId = `${randomBytes(12).toString('base64').slice(0, 15)}=`;
      const connectedAt = Date.now();
      const { headers } = arrivedRequest(request);
      const connect = routes.get('$connect');
      let status = 200;
      if (connect) {
        const outcome = await connect.invoke(
          webSocketEvent(api, {
            routeKey: '$connect',
            connectionId,
            connectedAt,
            headers,
            query: url.searchParams,
          }),
        );
        status =
          'error' in outcome
            ? 500
            : typeof outcome.result === 'object' && outcome.result !== null && 'statusCode' in outcome.result
              ? Number((outcome.result as { statusCode: unknown }).statusCode)
              : 200;
      }
      if (status < 200 || status >= 300) {
        socket.end(`HTTP/1.1 ${status} ${status === 500 ? 'Internal Server Error' : 'Forbidden'}\r\n\r\n`);
        return;
      }
      sockets.handleUpgrade(request, socket, head, (ws) => {
        connections.set(connectionId, ws);
        ws.on('message', () => {
          ws.send(
            JSON.stringify({
              message: 'Forbidden',
              connectionId,
              requestId: randomBytes(8).toString('base64url'),
            }),
          );
        });
        ws.on('close', (code, reason) => {
          connections.delete(connectionId);
          void routes.get('$disconnect')?.invoke(
            webSocketEvent(api, {
              routeKey: '$disconnect',
              connectionId,
              connectedAt,
              headers: { Host: api.domainName },
              disconnect: { statusCode: code, reason: reason.toString() },
            }),
          );
        });
      });
    })().catch(() => socket.destroy());
  });

  const management = createServer((request, response) => {
    void (async () => {
      await readBody(request).then((body) => {
        const match = /^\/([^/]+)\/@connections\/([^/?]+)$/.exec(
          new URL(request.url ?? '/', 'http://x').pathname,
        );
        const method = request.method ?? 'GET';
        if (!match || match[1] !== stage) {
          return respond(response, 404, {}, '{"message":"Not Found"}');
        }
        const connectionId = decodeURIComponent(match[2] as string);
        const principal = principals.caller(request);
        const resource = `arn:aws:execute-api:${region}:${account}:${apiId}/${stage}/${method}/@connections/${connectionId}`;
        if (principal) principals.count(principal, 'execute-api:ManageConnections');
        const denial = principal
          ? principals.check(principal, [['execute-api:ManageConnections', resource]])
          : { action: 'execute-api:ManageConnections', resource };
        if (denial) {
          return respond(
            response,
            403,
            { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' },
            JSON.stringify({
              message: `User is not authorized to perform: ${denial.action} on resource: ${resource}`,
            }),
          );
        }
        const ws = connections.get(connectionId);
        if (!ws || ws.readyState !== WebSocket.OPEN) {
          return respond(
            response,
            410,
            { 'content-type': 'application/json', 'x-amzn-errortype': 'GoneException' },
            '{}',
          );
        }
        if (method === 'POST') ws.send(body.toString('utf8'));
        else if (method === 'DELETE') ws.close(1000);
        return respond(response, 200, { 'content-type': 'application/json' }, '{}');
      });
    })().catch(() => respond(response, 500, {}, '{}'));
  });

  const socketServer = await listen(server, options.port);
  const managementServer = await listen(management, options.managementPort);
  return {
    url: `${socketServer.url.replace('http', 'ws')}/${stage}`,
    managementUrl: `${managementServer.url}/${stage}`,
    connections,
    async close() {
      for (const ws of connections.values()) ws.terminate();
      await Promise.all([socketServer.close(), managementServer.close()]);
    },
  };
}
