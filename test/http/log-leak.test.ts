import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Deps } from '#domain/shared/deps.ts';
import * as z from '#domain/shared/zod.ts';
import { jsonEndpoint } from '#http/endpoint.ts';
import { logger } from '#logger';
import { inProcessClient, seedAgent, seedChannel } from '../support/clients.ts';
import { useEmbeddedStore } from '../support/embedded-store.ts';

// Powertools goes back to the level the logger was built with at every invocation, so the logger
// must be built at DEBUG: before any import that builds it.
vi.hoisted(() => {
  process.env.LOG_LEVEL = 'DEBUG';
});

/** A value that must never reach a log line, in any case or spelling. */
const marker = 'Qx7Marker';
/** The same for numbers: too large for a double, so a log would show it as text or as 9.87...e+26. */
const markerNumber = '987654321987654321987654321';

let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let deps: Deps;
let written: string[] = [];

beforeAll(async () => {
  store = await useEmbeddedStore();
  deps = store.deps;
  logger.setLogLevel('DEBUG');
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  }
});
afterAll(async () => {
  vi.restoreAllMocks();
  logger.setLogLevel('SILENT');
  await store.close();
});
afterEach(() => {
  written = [];
});

function expectNoMarkerIn(logs: string) {
  expect(logs.toLowerCase()).not.toContain(marker.toLowerCase());
  expect(logs).not.toContain(markerNumber.slice(0, 12));
  expect(logs).not.toContain('9.87654321987');
}

describe('logs of refused and failed requests', () => {
  it('never carry a request value: not in fields, keys, numbers, paths, queries or headers', async () => {
    // Prepare
    const { api, support } = await seedChannel(deps);
    const ada = await seedAgent(deps, [support.destinationId]);
    const opened = await inProcessClient('POST', `${api}/selectDestination`, {
      userId: 'log-test',
      destinationId: support.destinationId,
    });
    const path = `/agent/conversations/${opened.body.conversationId}`;
    await inProcessClient('POST', `${path}/accept`, undefined, ada.auth);
    const long = marker.repeat(30);
    const heavyPrechat = `{"${marker}": "${marker.repeat(15_000)}", "n": ${markerNumber}}`;
    const requests: [string, string, unknown, Record<string, string>?][] = [
      ['POST', `${api}/setWebhook`, { url: `javascript:${marker}` }],
      ['POST', `${api}/sendText`, { userId: marker, text: marker.repeat(4000) }],
      ['POST', `${api}/sendText`, { userId: long, text: marker }],
      [
        'POST',
        `${api}/sendFile`,
        `{"userId": "${marker}", "url": "ftp://${marker}", "size": ${markerNumber}}`,
      ],
      ['POST', `${api}/closeChat`, { userId: long, text: marker }],
      [
        'POST',
        `${api}/selectDestination`,
        `{"userId": "${marker}", "destinationId": ${markerNumber}, "attributes": ${heavyPrechat},
          "hiddenAttributes": ${heavyPrechat}, "customData": ${JSON.stringify(heavyPrechat)}}`,
      ],
      [
        'POST',
        `${api}/selectDestination`,
        { userId: long, destinationId: marker, attributes: { [marker]: 1 } },
      ],
      ['POST', `${api}/sendText`, `{"userId": "${marker}", "text": ${markerNumber}`],
      ['POST', `/operator/${marker}.${marker}/sendText`, { userId: marker, text: marker }],
      ['POST', `${api}/${marker}`, { userId: marker }],
      ['GET', `/agent/me?${marker}=${marker}`, undefined, { authorization: `Bearer ${marker}.${marker}` }],
      ['POST', `${path}/messages`, { text: marker, url: `https://${marker}` }, ada.auth],
      ['POST', `${path}/messages`, `{"url": "https://x/${marker}", "size": ${markerNumber}}`, ada.auth],
      ['POST', `${path}/messages`, { text: 'x' }, { ...ada.auth, 'idempotency-key': `${marker} x` }],
      ['POST', `${path}/transfer`, { destinationId: marker }, ada.auth],
      ['GET', `/agent/conversations?status=${marker}&destinationId=${long}`, undefined, ada.auth],
      ['GET', `${path}/messages?after=${marker}`, undefined, ada.auth],
      ['POST', `/agent/conversations/${marker}/accept`, undefined, ada.auth],
      ['POST', `/agent/conversations/${long.repeat(10)}/close`, undefined, ada.auth],
      ['PUT', '/agent/me/presence', { online: marker }, ada.auth],
    ];

    // Act
    const statuses: number[] = [];
    for (const [method, target, body, headers] of requests) {
      statuses.push((await inProcessClient(method, target, body, headers)).status);
    }

    // Assess
    expect(statuses.every((status) => status >= 400 && status < 500)).toBe(true);
    const logs = written.join('');
    expect(logs.match(/request refused/g)?.length).toBeGreaterThanOrEqual(requests.length - 1);
    expectNoMarkerIn(logs);
  });

  it('never carry the message of an unexpected error, which may quote the request', async () => {
    const failing = jsonEndpoint(
      { authenticate: async () => 'anyone', input: z.object({ text: z.string() }) },
      async ({ input }) => {
        throw new Error(`could not store ${input.text}`);
      },
    );
    const event = {
      version: '2.0',
      routeKey: 'POST /failing',
      rawPath: '/failing',
      rawQueryString: '',
      headers: { 'content-type': 'application/json' },
      requestContext: { http: { method: 'POST', path: '/failing' }, requestId: 'r1' },
      body: JSON.stringify({ text: `${marker} ${markerNumber}` }),
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2;

    const reply = await failing(event, { awsRequestId: 'r1' } as Context);

    expect(reply.statusCode).toBe(500);
    expect(reply.body).not.toContain(marker);
    const logs = written.join('');
    expect(logs).toContain('request failed');
    expect(logs).toContain('log-leak.test.ts');
    expectNoMarkerIn(logs);
  });
});
