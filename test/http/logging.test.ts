import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// The level is read once, when the logger is built (each invocation goes back to it): before any import.
vi.hoisted(() => {
  process.env.LOG_LEVEL = 'INFO';
});

import { inProcessClient, seedAgent, seedChannel } from '../support/clients.ts';
import { useEmbeddedStore } from '../support/embedded-store.ts';

let store: Awaited<ReturnType<typeof useEmbeddedStore>>;

beforeAll(async () => {
  store = await useEmbeddedStore();
});
afterAll(() => store.close());

/** The JSON lines the logger writes while `act` runs. */
async function logLinesOf(act: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await act();
  } finally {
    vi.restoreAllMocks();
  }
  return lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('request logs', () => {
  it('carry the Lambda request id and the conversation id, and no message text or token', async () => {
    // Prepare
    const { deps } = store;
    const { api, token, support } = await seedChannel(deps);
    const secretText = 'my card number is 4111';

    // Act
    const lines = await logLinesOf(async () => {
      await inProcessClient('POST', `${api}/selectDestination`, {
        userId: 'u-log',
        destinationId: support.destinationId,
        hiddenAttributes: { secret: 'hidden-value' },
      });
      await inProcessClient('POST', `${api}/sendText`, { userId: 'u-log', text: secretText });
    });

    // Assess
    const requests = lines.filter((line) => line.message === 'request');
    expect(requests).toHaveLength(2);
    for (const line of requests) {
      expect(line.function_request_id).toEqual(expect.any(String));
      expect(line.conversationId).toMatch(/^cv_/);
      expect(line.service).toBe('operator-bridge');
    }
    const everything = JSON.stringify(lines);
    for (const secret of [secretText, 'hidden-value', token, token.split('.')[1]]) {
      expect(everything).not.toContain(secret);
    }
  });

  it('do not carry one request’s conversation id over to the next', async () => {
    // Prepare
    const { deps } = store;
    const { api, support } = await seedChannel(deps);
    const { auth } = await seedAgent(deps, [support.destinationId]);
    await inProcessClient('POST', `${api}/sendText`, { userId: 'u-next', text: 'Hello' });

    // Act
    const lines = await logLinesOf(() => inProcessClient('GET', '/agent/me', undefined, auth));

    // Assess
    const request = lines.find((line) => line.message === 'request');
    expect(request?.function_request_id).toEqual(expect.any(String));
    expect(request).not.toHaveProperty('conversationId');
  });
});
