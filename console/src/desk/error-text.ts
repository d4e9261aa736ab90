import { ApiError } from '../api.ts';

/** What went wrong, for the agent: the API's own message, or that the server cannot be reached. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return 'The server cannot be reached. Check the connection and try again.';
}

/** A 401 has already signed the agent out: nothing more to say about it. */
export function unauthorized(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

/** The plain sentence for each refusal an action can meet, by the API's error code. */
const refusals = {
  accept: {
    assigned_to_other: 'Another agent took it.',
    conversation_closed: 'This conversation was closed.',
  },
  close: {
    assigned_to_other: 'Another agent took it, so only they can close it.',
    conversation_closed: 'This conversation is already closed.',
  },
  transfer: { assigned_to_other: 'Another agent took it, so only they can transfer it.' },
  retry: { not_failed: 'That message is no longer failed.' },
} satisfies Record<string, Record<string, string>>;

export type Action = keyof typeof refusals;

/** Why an action did not happen, as the agent reads it. */
export function refusalText(action: Action, error: unknown): string {
  const sentences: Record<string, string> = refusals[action];
  return (error instanceof ApiError && sentences[error.code]) || errorText(error);
}
