/** A field-level problem reported back to the caller: where it is and what is wrong. */
export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * Base of every error a caller may see: a stable code and a human message, with the failing fields.
 * Which HTTP status each kind answers with is the HTTP adapter's business (src/http/responses.ts).
 */
export abstract class AppError extends Error {
  /** Each class names itself: bundles are minified without `keepNames`, so a class's own name is not kept. */
  abstract override readonly name: string;
  constructor(
    readonly code: string,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

export class ValidationError extends AppError {
  override readonly name = 'ValidationError';
}

export class UnauthorizedError extends AppError {
  override readonly name = 'UnauthorizedError';
  constructor(message = 'Missing or invalid credentials') {
    super('unauthorized', message);
  }
}

export class NotFoundError extends AppError {
  override readonly name = 'NotFoundError';
}

export class MethodNotAllowedError extends AppError {
  override readonly name = 'MethodNotAllowedError';
  constructor(readonly allow: string[]) {
    super('method_not_allowed', `Method not allowed; use ${allow.join(', ')}`);
  }
}

export class ConflictError extends AppError {
  override readonly name = 'ConflictError';
}

export class PayloadTooLargeError extends AppError {
  override readonly name = 'PayloadTooLargeError';
  constructor(limit: number) {
    super('payload_too_large', `Request body is larger than ${limit} bytes`);
  }
}

export class UnprocessableError extends AppError {
  override readonly name = 'UnprocessableError';
}

/**
 * A use case's optimistic retry loop ran out: other writes kept changing what it read. This is the one
 * answer to that, wherever the loop is (see `MAX_PASSES` in `#domain/shared/contention.ts`): nothing
 * was written that a repeat would write twice, so the caller may send the same request again after
 * `retryAfterSeconds`. Never a 500, which would read as our fault, nor a 409, which reads as final.
 */
export class ContentionError extends AppError {
  override readonly name = 'ContentionError';
  readonly retryAfterSeconds = 1;
  constructor(message = 'The conversation kept changing while we wrote to it; send the request again') {
    super('contention', message);
  }
}
