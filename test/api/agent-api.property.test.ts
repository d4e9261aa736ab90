import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Route, routes } from '#api/routes.ts';
import { deliverConversation } from '#delivery/engine.ts';
import type { Wired } from '#deps';
import { inProcessClient, seedAgent, seedChannel, tableSnapshot } from '../support/clients.ts';
import { useEmbeddedStore } from '../support/embedded-store.ts';
import { assessReply, type Tally } from '../support/property.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';

let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let deps: Wired;
let api: string;
let destinationIds: string[];
let auth: Record<string, string>;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  store = await useEmbeddedStore();
  deps = store.deps;
  // The webhook refuses every event, so that the retry route has failed events to put back in line.
  receiver = await startWebhookReceiver(() => 400);
  const seeded = await seedChannel(deps);
  api = seeded.api;
  await inProcessClient('POST', `${api}/setWebhook`, { url: receiver.url() });
  destinationIds = [seeded.support.destinationId, seeded.sales.destinationId];
  ({ auth } = await seedAgent(deps, destinationIds));
});
afterAll(async () => {
  await receiver.close();
  await store.close();
});

let users = 0;
/** A new client's conversation, accepted by the agent. */
async function acceptedConversation(): Promise<string> {
  const opened = await inProcessClient('POST', `${api}/selectDestination`, {
    userId: `prop-${++users}`,
    destinationId: destinationIds[0],
  });
  await inProcessClient('POST', `/agent/conversations/${opened.body.conversationId}/accept`, undefined, auth);
  return opened.body.conversationId;
}

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
const random = fc.record({ body: randomBody, query: randomQuery, key: randomKey });

const someText = (maxLength: number) =>
  fc.string({ unit: 'grapheme', minLength: 1, maxLength }).filter((text) => text.trim() !== '');
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const none = { body: fc.constant(''), query: fc.constant({}), key: fc.constant(undefined) };
/** An Idempotency-Key: printable ASCII, up to 255; random enough that two runs never share one. */
const idempotencyKey = fc.stringMatching(/^[\x21-\x7e]{16,255}$/);

/** Requests built to each endpoint's schema, as the console or an agent application sends them. */
const validRequests: Record<
  string,
  fc.Arbitrary<{ body: string; query: Record<string, string>; key?: string }>
> = {
  GetMe: fc.record(none),
  SetPresence: fc.record({ ...none, body: fc.boolean().map((online) => JSON.stringify({ online })) }),
  ListConversations: fc.record({
    ...none,
    query: fc.record(
      {
        status: fc.constantFrom('waiting', 'active', 'closed'),
        destinationId: fc.constantFrom(0, 1).map((i) => destinationIds[i] ?? ''),
      },
      { requiredKeys: [] },
    ),
  }),
  AcceptConversation: fc.record(none),
  ListMessages: fc.record({ ...none, query: fc.constant({}) }),
  SendMessage: fc.record({
    ...none,
    body: fc
      .oneof(
        fc.record({ text: someText(2000) }),
        fc.record(
          {
            url: fc.webUrl().filter((url) => url.length <= 4096),
            name: someText(100),
            size: fc.nat(),
            comment: fc.string({ maxLength: 200 }),
          },
          { requiredKeys: ['url'] },
        ),
      )
      .map((body) => JSON.stringify(body)),
    key: optional(idempotencyKey),
  }),
  CloseConversation: fc.record(none),
  ListDestinations: fc.record(none),
  ListCannedReplies: fc.record(none),
  RetryMessage: fc.record(none),
  CreateLiveTicket: fc.record(none),
  TransferConversation: fc.record({
    ...none,
    body: fc.constantFrom(0, 1).map((i) => JSON.stringify({ destinationId: destinationIds[i] })),
  }),
};

/**
 * Closing and transferring end the agent's hold on a conversation, so to succeed again those runs need
 * a fresh accepted one; the others share one per test.
 */
const needsFresh = new Set(['CloseConversation', 'TransferConversation', 'RetryMessage']);

/** An accepted conversation whose agent message the webhook refused: a failed event to retry. */
async function failedEvent(conversationId: string): Promise<string> {
  const sent = await inProcessClient(
    'POST',
    `/agent/conversations/${conversationId}/messages`,
    { text: 'hi' },
    auth,
  );
  await deliverConversation(deps, conversationId);
  return sent.body.id;
}

/** `built` marks a request made to the route's schema; the success rate counts those. */
type Request = { body: string; query: Record<string, string>; key?: string | undefined; built?: boolean };

async function runRoute(route: Route, requests: fc.Arbitrary<Request>, numRuns: number, fresh = false) {
  const shared = await acceptedConversation();
  const tally: Tally = { built: 0, succeeded: 0 };
  await fc.assert(
    fc.asyncProperty(requests, async ({ body, query, key, built }) => {
      const conversationId = fresh ? await acceptedConversation() : shared;
      const messageId = route.path.includes('{messageId}') ? await failedEvent(conversationId) : '';
      const path = route.path.replace('{conversationId}', conversationId).replace('{messageId}', messageId);
      const before = await tableSnapshot(deps);
      const search = new URLSearchParams(query).toString();
      const headers = { ...auth, ...(key !== undefined && { 'idempotency-key': key }) };
      const reply = await inProcessClient(
        route.method,
        search ? `${path}?${search}` : path,
        route.method === 'GET' ? undefined : body,
        headers,
      );
      await assessReply(deps, reply, before, Boolean(built), tally);
    }),
    { numRuns },
  );
  return tally;
}

const agentRoutes = routes.filter((route) => route.path.startsWith('/agent/'));

describe('every Agent API endpoint under random input', () => {
  it.each(agentRoutes.map((route) => [route.name, route] as const))(
    '%s never answers 5xx and never writes on a 4xx',
    async (_name, route) => {
      await runRoute(route, random, 30);
    },
    120_000,
  );
});

describe('every Agent API endpoint under requests built to its schema', () => {
  it.each(agentRoutes.map((route) => [route.name, route] as const))(
    '%s succeeds for most, never answers 5xx and never writes on a 4xx',
    async (name, route) => {
      const valid = validRequests[name];
      if (!valid) throw new Error(`no valid requests for ${name}`);
      // One request in four is random, so that refusals stay in the mix.
      const built = valid.map((request) => ({ ...request, built: true }));
      const requests = fc.oneof({ arbitrary: built, weight: 3 }, random);
      const tally = await runRoute(route, requests, 30, needsFresh.has(name));
      expect(tally.built).toBeGreaterThan(0);
      expect(tally.succeeded / tally.built).toBeGreaterThan(0.5);
    },
    120_000,
  );
});
