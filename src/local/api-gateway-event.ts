import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * The events API Gateway hands a Lambda, built in one place for everything that stands in for it: the
 * local runtime (`#local/lambda-http.ts`, `#local/live-socket.ts`), the local deployment's gateway
 * (scripts/aws-local) and the tests. Shaped like the samples in API Gateway's documentation ("Working
 * with AWS Lambda proxy integrations for HTTP APIs", payload format 2.0; WebSocket `$connect` and
 * `$disconnect`).
 */

/** The API a request came through, as API Gateway names it. */
export interface GatewayApi {
  accountId: string;
  apiId: string;
  /** The host the caller reached. */
  domainName: string;
  stage: string;
}

/** A request as it arrived: lower-case header names, repeated ones joined with commas, cookies apart. */
export interface ArrivedRequest {
  method: string;
  /** Path and query string, as on the request line. */
  target: string;
  headers: Record<string, string>;
  cookies?: string[];
  body?: Buffer;
  sourceIp: string;
  protocol?: string;
}

/** The route the request matched: its key (`POST /operator/{token}/sendText`, `$default`) and path parameters. */
export interface MatchedRoute {
  routeKey: string;
  pathParameters?: Record<string, string>;
}

/** `12/Mar/2020:19:03:58 +0000`, the format of `requestContext.time`. */
function gatewayTime(date: Date): string {
  const [, day, month, year, time] = /^\w+, (\d+) (\w+) (\d+) ([\d:]+)/.exec(date.toUTCString()) ?? [];
  return `${day?.padStart(2, '0')}/${month}/${year}:${time} +0000`;
}

/** A body API Gateway hands over as text; any other is base64-encoded. */
function isTextual(contentType: string | undefined): boolean {
  return /^(application\/(json|.*\+json|xml|javascript|x-www-form-urlencoded)|text\/)/i.test(
    contentType ?? '',
  );
}

/** An id like API Gateway's (`JKJaXmPLvHcESHA=`). */
const requestId = () => `${randomBytes(10).toString('base64url')}=`;

/** The request line, headers and peer of a node:http request, as API Gateway reads them. */
export function arrivedRequest(request: IncomingMessage, body?: Buffer): ArrivedRequest {
  const headers: Record<string, string> = {};
  let cookies: string[] = [];
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = String(request.rawHeaders[i]).toLowerCase();
    const value = String(request.rawHeaders[i + 1]);
    if (name === 'cookie') {
      cookies = cookies.concat(value.split(/;\s*/));
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  return {
    method: request.method ?? 'GET',
    target: request.url ?? '/',
    headers,
    ...(cookies.length > 0 && { cookies }),
    ...(body && { body }),
    sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
    protocol: `HTTP/${request.httpVersion}`,
  };
}

/** A query string's parameters, a repeated one joined with commas. */
function queryParameters(url: URL): Record<string, string> {
  return Object.fromEntries(
    [...new Set(url.searchParams.keys())].map((key) => [key, url.searchParams.getAll(key).join(',')]),
  );
}

/** The HTTP API event (payload format 2.0) that a Lambda integration gets for this request and route. */
export function httpApiEvent(
  api: GatewayApi,
  request: ArrivedRequest,
  route: MatchedRoute,
): APIGatewayProxyEventV2 {
  const url = new URL(request.target, 'http://localhost');
  const { headers, body } = request;
  const textual = isTextual(headers['content-type']);
  const hasBody = body !== undefined && body.length > 0;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(request.cookies && request.cookies.length > 0 && { cookies: request.cookies }),
    headers,
    ...(url.search && { queryStringParameters: queryParameters(url) }),
    requestContext: {
      accountId: api.accountId,
      apiId: api.apiId,
      domainName: api.domainName,
      domainPrefix: api.domainName.split('.')[0] ?? api.domainName,
      http: {
        method: request.method,
        path: url.pathname,
        protocol: request.protocol ?? 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: requestId(),
      routeKey: route.routeKey,
      stage: api.stage,
      time: gatewayTime(now),
      timeEpoch: now.getTime(),
    },
    ...(route.pathParameters &&
      Object.keys(route.pathParameters).length > 0 && {
        pathParameters: route.pathParameters,
      }),
    ...(hasBody && { body: textual ? body.toString('utf8') : body.toString('base64') }),
    isBase64Encoded: hasBody && !textual,
  };
}

/** A WebSocket API's `$connect` or `$disconnect` event. */
export interface WebSocketEventParts {
  routeKey: '$connect' | '$disconnect';
  connectionId: string;
  /** Epoch ms the connection was opened. */
  connectedAt: number;
  /** `$connect` only: the upgrade request's headers and query string. */
  headers?: Record<string, string>;
  query?: URLSearchParams;
  sourceIp?: string;
  /** `$disconnect` only: how the connection ended. */
  disconnect?: { statusCode: number; reason: string };
}

/** The event a WebSocket API hands `$connect` (with the upgrade's headers and query) or `$disconnect`. */
export function webSocketEvent(api: GatewayApi, parts: WebSocketEventParts) {
  const now = Date.now();
  const { headers, query } = parts;
  const hasQuery = query !== undefined && [...query.keys()].length > 0;
  return {
    ...(headers && {
      headers,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    }),
    ...(hasQuery && {
      queryStringParameters: Object.fromEntries(query),
      multiValueQueryStringParameters: Object.fromEntries(
        [...new Set(query.keys())].map((key) => [key, query.getAll(key)]),
      ),
    }),
    requestContext: {
      routeKey: parts.routeKey,
      eventType: parts.routeKey === '$connect' ? ('CONNECT' as const) : ('DISCONNECT' as const),
      extendedRequestId: randomBytes(8).toString('base64url'),
      requestTime: gatewayTime(new Date(now)),
      messageDirection: 'IN' as const,
      stage: api.stage,
      connectedAt: parts.connectedAt,
      requestTimeEpoch: now,
      identity: { sourceIp: parts.sourceIp ?? '127.0.0.1' },
      requestId: randomBytes(8).toString('base64url'),
      domainName: api.domainName,
      connectionId: parts.connectionId,
      apiId: api.apiId,
      ...(parts.disconnect && {
        disconnectStatusCode: parts.disconnect.statusCode,
        disconnectReason: parts.disconnect.reason,
      }),
    },
    isBase64Encoded: false,
  };
}
