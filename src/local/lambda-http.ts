import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { fallbackRoute, matchRoute } from '#api/routes.ts';
import { defaultDeps } from '#deps';
import { PayloadTooLargeError } from '#domain/shared/errors.ts';
import { errorResponse } from '#http/responses.ts';
import { arrivedRequest, httpApiEvent } from '#local/api-gateway-event.ts';

/** A route's handler module; endpoints also expose their authenticate step (see `jsonEndpoint`). */
type Handler = ((event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>) & {
  authenticate?: (event: APIGatewayProxyEventV2) => Promise<unknown>;
};

const handlers = new Map<string, Promise<Handler>>();

function loadHandler(root: string, entry: string): Promise<Handler> {
  let loaded = handlers.get(entry);
  if (!loaded) {
    loaded = import(pathToFileURL(`${root}/${entry}`).href).then((module) => module.handler as Handler);
    handlers.set(entry, loaded);
  }
  return loaded;
}

function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * The body, refused with 413 as soon as it passes `limit`: a declared Content-Length over it is refused
 * before a byte is read, a chunked one once the bytes read pass it. Either way the rest is never read.
 */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  if (Number(request.headers['content-length'] ?? 0) > limit) {
    return Promise.reject(new PayloadTooLargeError(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      request.off('data', onData).off('end', onEnd).off('error', onError);
      request.pause();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stop();
        reject(new PayloadTooLargeError(limit));
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    request.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

/** The API Gateway HTTP API (payload format 2.0) event that the Lambda would get for this request. */
function toLambdaEvent(
  request: IncomingMessage,
  body: Buffer,
  routeKey: string,
  pathParameters: Record<string, string> | undefined,
): APIGatewayProxyEventV2 {
  const api = {
    accountId: 'local',
    apiId: 'local',
    domainName: request.headers.host ?? 'localhost',
    stage: '$default',
  };
  return httpApiEvent(api, arrivedRequest(request, body), { routeKey, pathParameters });
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

/**
 * Writes a payload 2.0 result back as API Gateway would: a bare value becomes a 200 JSON body. When
 * the request's body was not read to its end (refused before or while reading it), the connection
 * closes after the answer instead of reading the rest.
 */
function writeResult(request: IncomingMessage, response: ServerResponse, result: APIGatewayProxyResultV2) {
  if (!request.complete) response.setHeader('connection', 'close');
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
    return;
  }
  const body = result.body ?? '';
  response.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
  response.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

/**
 * Serves the route table over node:http by calling the same Lambda handlers AWS would call. Unlike
 * API Gateway, which reads a whole body before any Lambda runs, this server checks the credential
 * first and reads a body only for a caller it knows, up to the configured limit (MAX_BODY_BYTES).
 */
export function lambdaRequestListener(root: string) {
  return async (request: IncomingMessage, response: ServerResponse) => {
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const match = matchRoute(request.method ?? 'GET', url.pathname);
      const route = match.kind === 'route' ? match.route : undefined;
      const routeKey = route ? `${route.method} ${route.path}` : '$default';
      const handler = await loadHandler(root, route?.entry ?? fallbackRoute.entry);
      const pathParameters = match.kind === 'route' ? match.pathParameters : undefined;
      let body: Buffer = Buffer.alloc(0);
      if (route && hasBody(request)) {
        await handler.authenticate?.(toLambdaEvent(request, body, routeKey, pathParameters));
        body = await readBody(request, defaultDeps().config.MAX_BODY_BYTES);
      }
      const event = toLambdaEvent(request, body, routeKey, pathParameters);
      const result = await handler(event, lambdaContext(route?.name ?? fallbackRoute.name));
      writeResult(request, response, result);
    } catch (error) {
      writeResult(request, response, errorResponse(error));
    }
  };
}
