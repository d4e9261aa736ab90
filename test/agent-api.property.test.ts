import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '#domain/deps.ts';
import { routes } from '#routes';
import { inProcessClient, seedAgent, seedChannel, tableSnapshot } from './support/clients.ts';
import { useEmbeddedStore } from './support/embedded-store.ts';

let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let deps: Deps;
let conversationId: string;
let auth: Record<string, string>;

beforeAll(async () => {
  store = await useEmbeddedStore();
  deps = store.deps;
  const { api, support, sales } = await seedChannel(deps);
  const opened = await inProcessClient('POST', `${api}/selectDestination`, {
    userId: 'prop',
    destinationId: support.destinationId,
  });
  conversationId = opened.body.conversationId;
  ({ auth } = await seedAgent(deps, [support.destinationId, sales.destinationId]));
  await inProcessClient('POST', `/agent/conversations/${conversationId}/accept`, undefined, auth);
});
afterAll(() => store.close());

const fieldNames = ['text', 'url', 'name', 'size', 'comment', 'destinationId', 'online'];

/** Random bodies: raw strings, any JSON, and objects built from the real field names with random values. */
const randomBody = fc.oneof(
  fc.string(),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.dictionary(fc.constantFrom(...fieldNames), fc.jsonValue()).map((value) => JSON.stringify(value)),
  fc.webUrl({ withQueryParameters: true, withFragments: true }).map((url) => JSON.stringify({ url })),
);

const randomQuery = fc.dictionary(fc.constantFrom('status', 'destinationId', 'after'), fc.string());
const randomKey = fc.option(fc.string({ maxLength: 300 }), { nil: undefined });

describe('every Agent API endpoint under random input', () => {
  const agentRoutes = routes.filter((route) => route.path.startsWith('/agent/'));

  it.each(agentRoutes.map((route) => [route.name, route] as const))(
    '%s never answers 5xx and never writes on a 4xx',
    async (_name, route) => {
      const path = route.path.replace('{conversationId}', conversationId);
      await fc.assert(
        fc.asyncProperty(randomBody, randomQuery, randomKey, async (body, query, key) => {
          const before = await tableSnapshot(deps);
          const search = new URLSearchParams(query).toString();
          const headers = { ...auth, ...(key !== undefined && { 'idempotency-key': key }) };
          const reply = await inProcessClient(
            route.method,
            search ? `${path}?${search}` : path,
            route.method === 'GET' ? undefined : body,
            headers,
          );
          expect(reply.status).toBeLessThan(500);
          if (reply.status >= 400) {
            expect(reply.body.error.code).toEqual(expect.any(String));
            expect(await tableSnapshot(deps)).toBe(before);
          }
        }),
        { numRuns: 40 },
      );
    },
    120_000,
  );
});
