import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '#api/routes.ts';
import type { Wired } from '#deps';
import { prechatLimits } from '#domain/conversations/prechat.ts';
import { inProcessClient, seedAgent, seedChannel, tableSnapshot } from '../support/clients.ts';
import { useEmbeddedStore } from '../support/embedded-store.ts';

let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let deps: Wired;

beforeAll(async () => {
  store = await useEmbeddedStore();
  deps = store.deps;
});
afterAll(() => store.close());

const client = inProcessClient;

/** Everything that made `selectDestination` answer 500 after writing the open-conversation pointer. */
const hostilePrechat =
  '{"big": 12345678901234567890, "huge": 1e400, "tiny": 1e-200, "plan": "gold",' +
  ' "__proto__": {"isAdmin": true}, "constructor": {"prototype": {"isAdmin": true}},' +
  ` "deep": ${'['.repeat(40)}"bottom"${']'.repeat(40)}}`;

describe('hostile input', () => {
  it('opens a conversation for pre-chat data DynamoDB cannot store as is, and shows agents its safe form', async () => {
    // Prepare
    const { api, support } = await seedChannel(deps);
    const ada = await seedAgent(deps, [support.destinationId]);
    const body = `{"userId": "hostile", "destinationId": ${JSON.stringify(support.destinationId)},
      "attributes": ${hostilePrechat}, "customData": ${JSON.stringify(hostilePrechat)},
      "hiddenAttributes": {"n": 1e999}}`;
    // Act
    const opened = await client('POST', `${api}/selectDestination`, body);
    const again = await client('POST', `${api}/sendText`, { userId: 'hostile', text: 'still there?' });
    const listed = await client('GET', '/agent/conversations', undefined, ada.auth);
    // Assess
    expect(opened.status).toBe(200);
    expect(again.body.conversationId).toBe(opened.body.conversationId);
    const seen = listed.body.conversations.find(
      (c: { conversationId: string }) => c.conversationId === opened.body.conversationId,
    );
    const expected = {
      big: '12345678901234567890',
      huge: '1e400',
      tiny: '1e-200',
      plan: 'gold',
      '~__proto__': { isAdmin: true },
      '~constructor': { '~prototype': { isAdmin: true } },
      deep: expect.anything(),
    };
    expect(seen.attributes).toEqual(expected);
    expect(seen.customData).toEqual(expected);
    expect(seen.hiddenAttributes).toBeUndefined();
    expect(JSON.stringify(seen.attributes.deep)).toContain('"[[[');
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('refuses pre-chat fields over 128 KiB together, naming the largest, before writing anything', async () => {
    const { api, support } = await seedChannel(deps);
    const before = await tableSnapshot(deps);
    const third = Math.ceil(prechatLimits.maxBytes / 3);

    const reply = await client('POST', `${api}/selectDestination`, {
      userId: 'heavy',
      destinationId: support.destinationId,
      attributes: { a: 'é'.repeat(third / 2) },
      hiddenAttributes: { h: 'x'.repeat(third + 50) },
      customData: { c: 'x'.repeat(third) },
    });

    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('invalid_request');
    expect(reply.body.error.issues.map((issue: { path: string }) => issue.path)).toEqual([
      'hiddenAttributes',
    ]);
    expect(await tableSnapshot(deps)).toBe(before);
  });

  it('accepts pre-chat fields just under the limit', async () => {
    const { api, support } = await seedChannel(deps);
    const reply = await client('POST', `${api}/selectDestination`, {
      userId: 'just-under',
      destinationId: support.destinationId,
      attributes: { a: 'x'.repeat(prechatLimits.maxBytes - 100) },
    });
    expect(reply.status).toBe(200);
  });

  it.each([
    ['userId', { userId: 'u'.repeat(257), destinationId: 'x' }],
    ['destinationId', { userId: 'u', destinationId: 'd'.repeat(257) }],
    ['userName', { userId: 'u', destinationId: 'x', userName: 'n'.repeat(513) }],
  ])('refuses an over-long %s in selectDestination with 400 naming it', async (field, body) => {
    const { api } = await seedChannel(deps);
    const before = await tableSnapshot(deps);
    const reply = await client('POST', `${api}/selectDestination`, body);
    expect(reply.status).toBe(400);
    expect(reply.body.error.issues.map((issue: { path: string }) => issue.path)).toContain(field);
    expect(await tableSnapshot(deps)).toBe(before);
  });

  const conversationRoutes = routes.filter((route) => route.path.includes('{conversationId}'));

  it.each(conversationRoutes.map((route) => [route.name, route] as const))(
    '%s answers 404, not 500, for a 2,044-character conversation id',
    async (_name, route) => {
      const { support } = await seedChannel(deps);
      const ada = await seedAgent(deps, [support.destinationId]);
      const before = await tableSnapshot(deps);
      const path = route.path.replace('{conversationId}', `cv_${'é'.repeat(2041)}`);
      const body = route.method === 'GET' ? undefined : { text: 'hi', destinationId: support.destinationId };

      const reply = await client(route.method, path, body, ada.auth);

      expect(reply.status).toBe(404);
      expect(reply.body.error.code).toBe('conversation_not_found');
      expect(await tableSnapshot(deps)).toBe(before);
    },
  );

  it('names no path in a 404: an Operator API path holds the channel token', async () => {
    const { token, api } = await seedChannel(deps);
    const reply = await client('POST', `${api}/sendSticker`, {});
    expect(reply.status).toBe(404);
    expect(JSON.stringify(reply.body)).not.toContain(token);
    expect(JSON.stringify(reply.body)).not.toContain('sendSticker');
  });
});
