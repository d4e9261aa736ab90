/**
 * `OPTIONS /agent/{proxy+}`, deployed only when the stack allows agent apps on other origins (CORS).
 * Without this route the `$default` route would catch every preflight and answer 405; with it, API
 * Gateway adds the CORS headers it is configured with to this empty answer.
 */
export const handler = async (): Promise<{ statusCode: number }> => ({ statusCode: 204 });
