import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '#domain/deps.ts';
import { routes } from '#routes';
import { inProcessClient, seedChannel, tableSnapshot } from './support/clients.ts';
import { useEmbeddedStore } from './support/embedded-store.ts';

let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let deps: Deps;
let api: string;

beforeAll(async () => {
  store = await useEmbeddedStore();
  deps = store.deps;
  ({ api } = await seedChannel(deps));
});
afterAll(() => store.close());

const fieldNames = [
  'userId',
  'text',
  'url',
  'fileName',
  'size',
  'destinationId',
  'userName',
  'attributes',
  'hiddenAttributes',
  'customData',
];

/** Random bodies: raw strings, any JSON, and objects built from the real field names with random values. */
const randomBody = fc.oneof(
  fc.string(),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.dictionary(fc.constantFrom(...fieldNames), fc.jsonValue()).map((value) => JSON.stringify(value)),
);

describe('every Operator API endpoint under random bodies', () => {
  const operatorRoutes = routes.filter((route) => route.path.startsWith('/operator/'));

  it.each(operatorRoutes.map((route) => [route.name, route] as const))(
    '%s never answers 5xx and never writes on a 4xx',
    async (_name, route) => {
      const path = route.path.replace('/operator/{token}', api);
      await fc.assert(
        fc.asyncProperty(randomBody, async (body) => {
          const before = await tableSnapshot(deps);
          const reply = await inProcessClient(route.method, path, body);
          expect(reply.status).toBeLessThan(500);
          if (reply.status >= 400) {
            expect(reply.body.error.code).toEqual(expect.any(String));
            expect(await tableSnapshot(deps)).toBe(before);
          }
        }),
        { numRuns: 60 },
      );
    },
    120_000,
  );
});
