import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  ContentionError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  UnauthorizedError,
  UnprocessableError,
  ValidationError,
} from '#domain/shared/errors.ts';
import { bearerToken } from '#http/headers.ts';
import { errorResponse, statusOf } from '#http/responses.ts';

/** The HTTP adapter alone decides statuses: each domain error kind maps to one. */
describe('error responses', () => {
  it('maps each domain error to its status, and anything else to an opaque 500', () => {
    // Prepare
    const cases: [unknown, number][] = [
      [new ValidationError('invalid_request', 'bad'), 400],
      [new UnauthorizedError(), 401],
      [new NotFoundError('conversation_not_found', 'no'), 404],
      [new MethodNotAllowedError(['GET']), 405],
      [new ConflictError('conversation_closed', 'closed'), 409],
      [new PayloadTooLargeError(10), 413],
      [new UnprocessableError('idempotency_key_reused', 'reused'), 422],
      [new ContentionError(), 503],
      [new Error('secret detail'), 500],
    ];

    // Act
    const statuses = cases.map(([error]) => statusOf(error));

    // Assess
    expect(statuses).toEqual(cases.map(([, status]) => status));
    expect(errorResponse(new Error('secret detail')).body).not.toContain('secret detail');
  });

  it('answers a retry loop that ran out with 503 contention and Retry-After', () => {
    // Act
    const response = errorResponse(new ContentionError());

    // Assess
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['retry-after']).toBe('1');
    expect(JSON.parse(response.body as string).error.code).toBe('contention');
  });

  it('reads the token of a bearer Authorization header, and nothing from another scheme', () => {
    expect(bearerToken('Bearer ag_1.secret')).toBe('ag_1.secret');
    expect(bearerToken('bearer   ag_1.secret')).toBe('ag_1.secret');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
