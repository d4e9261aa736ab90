import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  type AppError,
  ConflictError,
  ContentionError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  UnauthorizedError,
  UnprocessableError,
  ValidationError,
} from '#domain/shared/errors.ts';

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

/** Each kind of domain error and the HTTP status it answers with: the domain's errors carry none. */
const statuses: [new (...args: never[]) => AppError, number][] = [
  [ValidationError, 400],
  [UnauthorizedError, 401],
  [NotFoundError, 404],
  [MethodNotAllowedError, 405],
  [ConflictError, 409],
  [PayloadTooLargeError, 413],
  [UnprocessableError, 422],
  [ContentionError, 503],
];

/** The status of a caller-facing error; 500 for anything else (our own failure). */
export function statusOf(error: unknown): number {
  return statuses.find(([kind]) => error instanceof kind)?.[1] ?? 500;
}

function headersOf(error: AppError): Record<string, string> {
  if (error instanceof MethodNotAllowedError) return { allow: error.allow.join(', ') };
  if (error instanceof ContentionError) return { 'retry-after': String(error.retryAfterSeconds) };
  return {};
}

/** A thrown error as the caller sees it: typed errors keep their code, anything else is an opaque 500. */
export function errorResponse(error: unknown): HttpResult {
  const status = statusOf(error);
  if (status !== 500) {
    const known = error as AppError;
    return json(
      status,
      { error: { code: known.code, message: known.message, issues: known.issues } },
      headersOf(known),
    );
  }
  return json(500, {
    error: { code: 'internal_error', message: 'Something went wrong on our side', issues: [] },
  });
}
