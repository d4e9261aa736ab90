/** A field-level problem reported back to the caller: where it is and what is wrong. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Base of every error a caller may see: a stable code, an HTTP status and a human message. */
export abstract class AppError extends Error {
  /** Each class names itself: bundles are minified without `keepNames`, so a class's own name is not kept. */
  abstract override readonly name: string;
  abstract readonly statusCode: number;
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
  readonly statusCode = 400;
}

export class UnauthorizedError extends AppError {
  override readonly name = 'UnauthorizedError';
  readonly statusCode = 401;
  constructor(message = 'Missing or invalid credentials') {
    super('unauthorized', message);
  }
}

export class NotFoundError extends AppError {
  override readonly name = 'NotFoundError';
  readonly statusCode = 404;
}

export class MethodNotAllowedError extends AppError {
  override readonly name = 'MethodNotAllowedError';
  readonly statusCode = 405;
  constructor(readonly allow: string[]) {
    super('method_not_allowed', `Method not allowed; use ${allow.join(', ')}`);
  }
}

export class ConflictError extends AppError {
  override readonly name = 'ConflictError';
  readonly statusCode = 409;
}

export class PayloadTooLargeError extends AppError {
  override readonly name = 'PayloadTooLargeError';
  readonly statusCode = 413;
  constructor(limit: number) {
    super('payload_too_large', `Request body is larger than ${limit} bytes`);
  }
}

export class UnprocessableError extends AppError {
  override readonly name = 'UnprocessableError';
  readonly statusCode = 422;
}
