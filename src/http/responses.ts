import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AppError, MethodNotAllowedError } from '#domain/shared/errors.ts';

export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      // A browser never reads an answer (which may echo what a caller sent) as anything but JSON.
      'x-content-type-options': 'nosniff',
      ...headers,
    },
    body: JSON.stringify(body),
  };
}

/** A thrown error as the caller sees it: typed errors keep their code, anything else is an opaque 500. */
export function errorResponse(error: unknown): HttpResult {
  if (error instanceof AppError) {
    const headers: Record<string, string> =
      error instanceof MethodNotAllowedError ? { allow: error.allow.join(', ') } : {};
    return json(
      error.statusCode,
      { error: { code: error.code, message: error.message, issues: error.issues } },
      headers,
    );
  }
  return json(500, {
    error: { code: 'internal_error', message: 'Something went wrong on our side', issues: [] },
  });
}
