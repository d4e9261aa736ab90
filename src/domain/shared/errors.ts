/** A field-level problem reported back to the caller: where it is and what is wrong. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Base of every error a caller may see: a stable code, an HTTP status and a human message. */
export abstract class AppError extends Error {
  abstract readonly statusCode: number;
  constructor(
    readonly code: string,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  readonly statusCode = 400;
}

export class UnauthorizedError extends AppError {
  readonly statusCode = 401;
  constructor(message = 'Missing or invalid credentials') {
    super('unauthorized', message);
  }
}

export class NotFoundError extends AppError {
  readonly statusCode = 404;
}

export class MethodNotAllowedError extends AppError {
  readonly statusCode = 405;
  constructor(readonly allow: string[]) {
    super('method_not_allowed', `Method not allowed; use ${allow.join(', ')}`);
  }
}

export class ConflictError extends AppError {
  readonly statusCode = 409;
}

export class PayloadTooLargeError extends AppError {
  readonly statusCode = 413;
  constructor(limit: number) {
    super('payload_too_large', `Request body is larger than ${limit} bytes`);
  }
}

export class UnprocessableError extends AppError {
  readonly statusCode = 422;
}
