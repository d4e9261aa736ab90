import { expect, it } from 'vitest';
import type { Wired } from '#deps';
import { type Client, seedChannel, tableSnapshot } from '../support/clients.ts';

/**
 * A webhook that takes nothing in: port 9 on loopback locally. A deployed stack refuses private
 * addresses, so `npm run test:deployed` passes a public one in TEST_WEBHOOK_URL.
 */
const webhookUrl =
  process.env.TEST_WEBHOOK_URL ?? 'http://127.0.0.1:9/chatadapter/chatapi/webhook/operatorapi/apiKey';

/** The seed page's example bodies, verbatim but for the host (the setWebhook one has a trailing comma). */
export const seedBodies = {
  setWebhook: `{\n"url": "${webhookUrl}",\n}`,
  sendText: { userId: '<userId>', text: 'text' },
  sendFile: { userId: '<userId>', url: 'http://someUrl', fileName: 'example', size: 1 },
  closeChat: { userId: '<userId>', text: 'The user closed the dialog' },
  selectDestination: {
    userId: '<userId>',
    destinationId: '54321',
    userName: 'firstName lastName',
    attributes: { key1: 'value1', key2: 'value2' },
    hiddenAttributes: { key1: 'value1', key2: 'value2' },
    customData: {},
  },
};

/** The Operator API cases, run in-process against the handlers and over HTTP against the local runtime. */
export function operatorApiCases(context: () => { client: Client; deps: Wired }) {
  it('answers every seed example body with 200', async () => {
    // Prepare
    const { client, deps } = context();
    const { api, channel, support, sales } = await seedChannel(deps);
    // Act
    const replies = {
      setWebhook: await client('POST', `${api}/setWebhook`, seedBodies.setWebhook),
      selectDestination: await client('POST', `${api}/selectDestination`, seedBodies.selectDestination),
      sendText: await client('POST', `${api}/sendText`, seedBodies.sendText),
      sendFile: await client('POST', `${api}/sendFile`, seedBodies.sendFile),
      getDestinations: await client('GET', `${api}/getDestinations`),
      closeChat: await client('POST', `${api}/closeChat`, seedBodies.closeChat),
    };
    // Assess
    for (const [name, reply] of Object.entries(replies)) expect(reply.status, name).toBe(200);
    expect(replies.sendText.body.conversationId).toBe(replies.selectDestination.body.conversationId);
    expect(replies.selectDestination.body.destinationId).toBe(channel.defaultDestinationId);
    const listed = replies.getDestinations.body.destinations.map(
      (d: { destinationId: string }) => d.destinationId,
    );
    expect(listed).toEqual(expect.arrayContaining([support.destinationId, sales.destinationId]));
    for (const destination of replies.getDestinations.body.destinations) {
      expect(destination).toEqual({
        destinationId: expect.any(String),
        name: expect.any(String),
        hasOnline: false,
      });
    }
  });

  it('refuses a wrong or missing token with 401 and writes nothing', async () => {
    const { client, deps } = context();
    const { token } = await seedChannel(deps);
    const before = await tableSnapshot(deps);
    const wrong = await client('POST', `/operator/${token.slice(0, -2)}xx/sendText`, seedBodies.sendText);
    const garbage = await client('POST', '/operator/nonsense/sendText', seedBodies.sendText);
    expect(wrong.status).toBe(401);
    expect(garbage.status).toBe(401);
    expect(wrong.body.error.code).toBe('unauthorized');
    expect(await tableSnapshot(deps)).toBe(before);
  });

  it.each([
    ['sendText', { text: 'hi' }, 'userId'],
    ['sendText', { userId: 'u', text: 5 }, 'text'],
    ['sendFile', { userId: 'u', url: 'ftp://x' }, 'url'],
    ['sendFile', { userId: 'u', url: 'http://x', size: 'big' }, 'size'],
    ['closeChat', { text: 'bye' }, 'userId'],
    ['selectDestination', { userId: 'u' }, 'destinationId'],
    [
      'selectDestination',
      { userId: 'u', destinationId: '1', attributes: { a: 'x'.repeat(140_000) } },
      'attributes',
    ],
    ['selectDestination', { userId: 'u'.repeat(257), destinationId: '1' }, 'userId'],
    ['sendText', { userId: 'u', text: 'x'.repeat(32_001) }, 'text'],
    ['setWebhook', { url: 'javascript:alert(1)' }, 'url'],
    ['setWebhook', { url: 'http://169.254.169.254/latest/meta-data' }, 'url'],
    ['setWebhook', { url: 'http://[fd00:ec2::254]/' }, 'url'],
    ['sendText', [{ userId: 'u', text: 'hi' }], '(body)'],
    ['sendText', 'not json at all', '(body)'],
  ])('answers 400 naming the field for %s %j', async (endpoint, body, field) => {
    const { client, deps } = context();
    const { api } = await seedChannel(deps);
    const before = await tableSnapshot(deps);
    const reply = await client('POST', `${api}/${endpoint}`, body);
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toMatch(/^invalid_/);
    expect(reply.body.error.issues.map((issue: { path: string }) => issue.path)).toContain(field);
    expect(await tableSnapshot(deps)).toBe(before);
  });

  it('answers 413 for a body over the limit and writes nothing', async () => {
    const { client, deps } = context();
    const { api } = await seedChannel(deps);
    const before = await tableSnapshot(deps);
    const reply = await client('POST', `${api}/sendText`, { userId: 'u', text: 'x'.repeat(300_000) });
    expect(reply.status).toBe(413);
    expect(reply.body.error.code).toBe('payload_too_large');
    expect(await tableSnapshot(deps)).toBe(before);
  });

  it('answers 404 for an unknown route and 405 for a wrong method', async () => {
    const { client, deps } = context();
    const { api } = await seedChannel(deps);
    const unknown = await client('POST', `${api}/sendSticker`, {});
    const wrongMethod = await client('GET', `${api}/sendText`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('route_not_found');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body.error.code).toBe('method_not_allowed');
  });

  it('reads size and pre-chat fields leniently', async () => {
    const { client, deps } = context();
    const { api } = await seedChannel(deps);
    const file = await client('POST', `${api}/sendFile`, {
      userId: 'lenient',
      url: 'http://x/f',
      size: '42',
    });
    const select = await client('POST', `${api}/selectDestination`, {
      userId: 'lenient',
      destinationId: 12345,
      attributes: '{"plan":"gold"}',
      hiddenAttributes: '{"secret":"s"}',
      unknownField: true,
    });
    expect(file.status).toBe(200);
    expect(select.status).toBe(200);
    expect(select.body.conversationId).toBe(file.body.conversationId);
  });

  it('moves an open conversation to a new destination and opens a new one after close', async () => {
    const { client, deps } = context();
    const { api, support, sales } = await seedChannel(deps);
    const opened = await client('POST', `${api}/selectDestination`, {
      userId: 'mover',
      destinationId: support.destinationId,
    });
    const moved = await client('POST', `${api}/selectDestination`, {
      userId: 'mover',
      destinationId: sales.destinationId,
    });
    await client('POST', `${api}/closeChat`, { userId: 'mover', text: 'bye' });
    const reopened = await client('POST', `${api}/sendText`, { userId: 'mover', text: 'again' });
    expect(moved.body).toEqual({
      conversationId: opened.body.conversationId,
      destinationId: sales.destinationId,
    });
    expect(reopened.body.conversationId).not.toBe(opened.body.conversationId);
  });
}
