import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Route, routes } from '#api/routes.ts';
import type { Wired } from '#deps';
import { inProcessClient, seedChannel, tableSnapshot } from '../support/clients.ts';
import { useEmbeddedStore } from '../support/embedded-store.ts';
import { assessReply, type Tally } from '../support/property.ts';

let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let deps: Wired;
let api: string;
let destinationIds: string[];

beforeAll(async () => {
  store = await useEmbeddedStore();
  deps = store.deps;
  const seeded = await seedChannel(deps);
  api = seeded.api;
  destinationIds = [seeded.support.destinationId, seeded.sales.destinationId];
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

/** Text of any script, never blank. */
const someText = (maxLength: number) =>
  fc.string({ unit: 'grapheme', minLength: 1, maxLength }).filter((text) => text.trim() !== '');
/** A few returning users (so conversations are reused) and new ones, up to the 256-character limit. */
const userId = fc.oneof(
  fc.constantFrom('u1', 'u2', 'u3'),
  someText(256).filter((id) => id.trim().length <= 256),
);
const url = fc
  .webUrl({ withQueryParameters: true, withFragments: true })
  .filter((href) => href.length <= 4096);
/** JSON number texts DynamoDB cannot store as they are, next to ordinary ones. */
const numberToken = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.constantFrom('12345678901234567890', '1e400', '-1e400', '1e-200', '0.10000000000000000000001'),
);
/** Pre-chat data of any shape: JSON values with hostile numbers, keys and depth, as JSON text. */
const prechatText = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
  fc
    .tuple(
      fc.constantFrom('__proto__', 'constructor', 'prototype', '', '~', 'plan'),
      numberToken,
      fc.integer({ min: 0, max: 60 }),
    )
    .map(([key, number, depth]) => `{"${key}": ${'['.repeat(depth)}${number}${']'.repeat(depth)}}`),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(JSON.stringify(value))),
);

function jsonObject(fields: Record<string, string | undefined>): string {
  const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
  return `{${entries.map(([name, value]) => `${JSON.stringify(name)}: ${value}`).join(', ')}}`;
}
const json = (value: unknown) => JSON.stringify(value);
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

/** Bodies built to each endpoint's schema, as DialogStudio (or a script copying it) would send them. */
const validBodies: Record<string, fc.Arbitrary<string>> = {
  SetWebhook: fc.webPath().map((path) => json({ url: `http://127.0.0.1:9/${path.replace(/^\//, '')}` })),
  SendText: fc.record({ userId, text: someText(400) }).map(json),
  SendFile: fc
    .record({
      userId,
      url,
      fileName: optional(fc.string({ maxLength: 100 })),
      size: optional(fc.oneof(fc.nat(), fc.nat().map(String))),
    })
    .map(json),
  CloseChat: fc.record({ userId, text: optional(fc.string({ maxLength: 200 })) }).map(json),
  SelectDestination: fc
    .record({
      userId: userId.map(json),
      destinationId: fc.oneof(
        fc.constantFrom(0, 1).map((i) => json(destinationIds[i])),
        fc.integer({ min: 0 }).map(String),
        numberToken,
        someText(256)
          .filter((id) => id.trim().length <= 256)
          .map(json),
      ),
      userName: optional(fc.string({ maxLength: 100 }).map(json)),
      attributes: optional(prechatText),
      hiddenAttributes: optional(prechatText),
      customData: optional(prechatText),
    })
    .map(jsonObject),
  GetDestinations: fc.constant(''),
};

/** `built` marks a body made to the route's schema; the success rate counts those. */
async function runRoute(
  route: Route,
  bodies: fc.Arbitrary<{ text: string; built: boolean }>,
  numRuns: number,
) {
  const path = route.path.replace('/operator/{token}', api);
  const tally: Tally = { built: 0, succeeded: 0 };
  await fc.assert(
    fc.asyncProperty(bodies, async ({ text, built }) => {
      const before = await tableSnapshot(deps);
      const reply = await inProcessClient(route.method, path, route.method === 'GET' ? undefined : text);
      await assessReply(deps, reply, before, Boolean(built), tally);
    }),
    { numRuns },
  );
  return tally;
}

const asRandom = (text: string) => ({ text, built: false });

const operatorRoutes = routes.filter((route) => route.path.startsWith('/operator/'));

describe('every Operator API endpoint under random bodies', () => {
  it.each(operatorRoutes.map((route) => [route.name, route] as const))(
    '%s never answers 5xx and never writes on a 4xx',
    async (_name, route) => {
      await runRoute(route, randomBody.map(asRandom), 40);
    },
    120_000,
  );
});

describe('every Operator API endpoint under bodies built to its schema', () => {
  it.each(operatorRoutes.map((route) => [route.name, route] as const))(
    '%s succeeds for most, never answers 5xx and never writes on a 4xx',
    async (name, route) => {
      const valid = validBodies[name];
      if (!valid) throw new Error(`no valid bodies for ${name}`);
      // One body in four is random, so that refusals stay in the mix.
      const built = valid.map((text) => ({ text, built: true }));
      const tally = await runRoute(
        route,
        fc.oneof({ arbitrary: built, weight: 3 }, randomBody.map(asRandom)),
        40,
      );
      expect(tally.built).toBeGreaterThan(0);
      expect(tally.succeeded / tally.built).toBeGreaterThan(0.5);
    },
    120_000,
  );
});
