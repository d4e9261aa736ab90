import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { PayloadTooLargeError } from '#domain/errors.ts';
import { errorResponse } from '#http/responses.ts';
import { fallbackRoute, matchRoute } from '#routes';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

/** API Gateway's own payload cap; each handler enforces its smaller limit itself, as in AWS. */
const GATEWAY_MAX_BODY = 10 * 1024 * 1024;

const handlers = new Map<string, Promise<Handler>>();

function loadHandler(root: string, entry: string): Promise<Handler> {
  let loaded = handlers.get(entry);
  if (!loaded) {
    loaded = import(pathToFileURL(`${root}/${entry}`).href).then((module) => module.handler as Handler);
    handlers.set(entry, loaded);
  }
  return loaded;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > GATEWAY_MAX_BODY) throw new PayloadTooLargeError(GATEWAY_MAX_BODY);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The API Gateway HTTP API (payload format 2.0) event that the Lambda would get for this request. */
export function toLambdaEvent(
  request: IncomingMessage,
  body: Buffer,
  routeKey: string,
  pathParameters: Record<string, string> | undefined,
): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(url.search && { queryStringParameters: query }),
    ...(pathParameters && { pathParameters }),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 && { body: body.toString('utf8') }),
    isBase64Encoded: false,
  };
}

function lambdaContext(functionName: string): Context {
  const deadline = Date.now() + 30_000;
  const awsRequestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Writes a payload 2.0 result back as API Gateway would: a bare value becomes a 200 JSON body. */
function writeResult(response: ServerResponse, result: APIGatewayProxyResultV2) {
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
    return;
  }
  const body = result.body ?? '';
  response.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
  response.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

/** Serves the route table over node:http by calling the same Lambda handlers AWS would call. */
export function lambdaRequestListener(root: string) {
  return async (request: IncomingMessage, response: ServerResponse) => {
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const method = request.method ?? 'GET';
      const body = await readBody(request);
      const match = matchRoute(method, url.pathname);
      const route = match.kind === 'route' ? match.route : undefined;
      const routeKey = route ? `${route.method} ${route.path}` : '$default';
      const handler = await loadHandler(root, route?.entry ?? fallbackRoute.entry);
      const event = toLambdaEvent(
        request,
        body,
        routeKey,
        match.kind === 'route' ? match.pathParameters : undefined,
      );
      writeResult(response, await handler(event, lambdaContext(route?.name ?? fallbackRoute.name)));
    } catch (error) {
      const result = errorResponse(error);
      response.writeHead(result.statusCode, result.headers as Record<string, string>).end(result.body);
    }
  };
}
