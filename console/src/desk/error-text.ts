import { ApiError } from '../api.ts';

/** What went wrong, for the agent: the API's own message, or that the server cannot be reached. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return 'The server cannot be reached. Check the connection and try again.';
}

/** A 401 has already signed the agent out: nothing more to say about it. */
export function signedOut(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}
