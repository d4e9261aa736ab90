import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../console/src/api.ts';
import { errorText, refusalText, unauthorized } from '../../../console/src/desk/error-text.ts';

describe('what the agent reads when something fails', () => {
  it("says who won a race in plain words, and otherwise passes the API's message on", () => {
    const taken = new ApiError(409, 'assigned_to_other', 'conversation is assigned to another agent');
    expect(refusalText('accept', taken)).toBe('Another agent took it.');
    expect(refusalText('close', taken)).toBe('Another agent took it, so only they can close it.');
    expect(refusalText('retry', new ApiError(409, 'not_failed', 'x'))).toBe(
      'That message is no longer failed.',
    );
    expect(refusalText('transfer', new ApiError(400, 'validation_error', 'destinationId: required'))).toBe(
      'destinationId: required',
    );
  });

  it('tells a network failure from an answer, and a 401 from other refusals', () => {
    expect(errorText(new TypeError('Failed to fetch'))).toBe(
      'The server cannot be reached. Check the connection and try again.',
    );
    expect(refusalText('accept', new TypeError('Failed to fetch'))).toMatch(/cannot be reached/);
    expect(unauthorized(new ApiError(401, 'unauthorized', 'x'))).toBe(true);
    expect(unauthorized(new ApiError(403, 'forbidden', 'x'))).toBe(false);
  });
});
