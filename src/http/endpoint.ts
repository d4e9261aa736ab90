import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { defaultDeps } from '#deps';
import type { Deps } from '#domain/shared/deps.ts';
import { AppError, PayloadTooLargeError, ValidationError } from '#domain/shared/errors.ts';
import { parseLenientJson } from '#domain/shared/json.ts';
import { invalidFields } from '#domain/shared/validation.ts';
import type * as z from '#domain/shared/zod.ts';
import { errorResponse, type HttpResult, json, statusOf } from '#http/responses.ts';
import { failureForLog, logger } from '#logger';

export type HttpEvent = APIGatewayProxyEventV2;

/** What an action returns: a body for 200, or a body with another status. */
export type ActionResult = object | { status: number; body: object };

export function withStatus(status: number, body: object) {
  return { status, body };
}

interface EndpointOptions<Principal, Input> {
  /** Runs first: resolves the caller or throws UnauthorizedError, before the body is even read. */
  authenticate: (deps: Deps, event: HttpEvent) => Promise<Principal>;
  /** The zod schema of the JSON body; without one the body is not read. */
  input?: z.ZodMiniType<Input>;
}

type EndpointContext<Principal> = Context & { principal?: Principal };

function parseBody(event: HttpEvent): unknown {
  const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body;
  try {
    return parseLenientJson(text ?? '');
  } catch {
    throw new ValidationError('invalid_json', 'Request body must be JSON', [
      { path: '(body)', message: 'not valid JSON' },
    ]);
  }
}

/** The query string, validated like a body: 400 `invalid_query` naming the parameter. */
export function readQuery<Query>(schema: z.ZodMiniType<Query>, event: HttpEvent): Query {
  const parsed = schema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw invalidFields('invalid_query', 'query', 'Invalid query string', parsed.error);
  return parsed.data;
}

/** A conversation id worth a log key: one of ours, never whatever a caller put in the path. */
function logConversationId(id: unknown): void {
  if (typeof id === 'string' && /^cv_[A-Za-z0-9_-]{1,64}$/.test(id))
    logger.appendKeys({ conversationId: id });
}

function isStatusResult(result: ActionResult): result is { status: number; body: object } {
  return 'status' in result && 'body' in result && typeof result.status === 'number';
}

/**
 * The HTTP chain every endpoint shares (middy): normalise headers, authenticate, cap the body size,
 * parse JSON (leniently: trailing commas pass), validate with zod, run the action, and map any thrown error to the `{"error":{...}}`
 * envelope. A caller's mistake is a 4xx; only our own failures are a 500, and those are never echoed.
 */
export function jsonEndpoint<Principal, Input = undefined>(
  options: EndpointOptions<Principal, Input>,
  action: (request: {
    deps: Deps;
    principal: Principal;
    input: Input;
    event: HttpEvent;
  }) => Promise<ActionResult>,
) {
  // Every log line of a request carries its Lambda request id; the keys appended below end with it.
  const handler = middy<HttpEvent, HttpResult, Error, EndpointContext<Principal>>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(httpHeaderNormalizer())
    .use({
      before: async (request) => {
        const deps = defaultDeps();
        request.context.principal = await options.authenticate(deps, request.event);
        logConversationId(request.event.pathParameters?.conversationId);
        const { body, isBase64Encoded } = request.event;
        const size = body ? Buffer.byteLength(body, isBase64Encoded ? 'base64' : 'utf8') : 0;
        if (size > deps.config.MAX_BODY_BYTES) throw new PayloadTooLargeError(deps.config.MAX_BODY_BYTES);
      },
    })
    .use({
      onError: async (request) => {
        const { error } = request;
        request.response = errorResponse(error);
        if (error instanceof AppError) {
          logger.info('request refused', {
            routeKey: request.event.routeKey,
            statusCode: statusOf(error),
            code: error.code,
          });
        } else {
          logger.error('request failed', { routeKey: request.event.routeKey, ...failureForLog(error) });
        }
      },
    })
    .handler(async (event, context) => {
      const deps = defaultDeps();
      let input = undefined as Input;
      if (options.input) {
        // Whatever the content type, the body is read as JSON: DialogStudio and curl users differ there.
        const parsed = options.input.safeParse(parseBody(event));
        if (!parsed.success)
          throw invalidFields('invalid_request', 'body', 'Invalid request body', parsed.error);
        input = parsed.data;
      }
      const result = await action({ deps, principal: context.principal as Principal, input, event });
      const response = isStatusResult(result) ? json(result.status, result.body) : json(200, result);
      logConversationId((result as { conversationId?: unknown }).conversationId);
      logger.info('request', { routeKey: event.routeKey, statusCode: response.statusCode });
      return response;
    });
  // The chain's first step on its own, so that a server holding the connection (the local runtime)
  // can refuse a wrong credential before it reads the body; API Gateway has read it already.
  return Object.assign(handler, {
    authenticate: (event: HttpEvent) => options.authenticate(defaultDeps(), event),
  });
}
