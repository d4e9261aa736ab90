import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { matchPath } from '#api/route-paths.ts';
import { MethodNotAllowedError, NotFoundError } from '#domain/shared/errors.ts';
import { errorResponse } from '#http/responses.ts';

/** The catch-all route: a clear 404, or 405 with `Allow` when the path exists under another method. */
export const handler = middy<APIGatewayProxyEventV2>().handler(async (event) => {
  const match = matchPath(event.requestContext.http.method, event.rawPath);
  const error =
    match.kind === 'wrong-method'
      ? new MethodNotAllowedError(match.allow)
      : // Never the path: an Operator API path holds the channel token.
        new NotFoundError('route_not_found', 'No route matches this method and path');
  return errorResponse(error);
});
