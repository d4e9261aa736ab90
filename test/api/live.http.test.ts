import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '#domain/directory/model.ts';
import { hashSecret } from '#domain/shared/ids.ts';
import { issueTicket } from '#live/tickets.ts';
import { sessionEndedCode } from '#local/live-socket.ts';
import { startLocalStack } from '#local/stack.ts';
import { liveKeys } from '#store/keys.ts';
import { revokeAgent } from '#use-cases/admin/revoke-agent.ts';
import { rotateAgentToken } from '#use-cases/admin/rotate-agent-token.ts';
import { type Client, httpClient, root, seedAgent, seedChannel } from '../support/clients.ts';
import { connectStatus, openLive } from '../support/live-client.ts';
import { eventually, startWebhookReceiver } from '../support/webhook-receiver.ts';

/** Live updates over the local runtime: real WebSockets on the runtime's own port, real writes. */
let stack: Awaited<ReturnType<typeof startLocalStack>>;
let client: Client;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  process.env.TABLE_NAME = 'operator-bridge-live-http-test';
  stack = await startLocalStack({ port: 0, host: '127.0.0.1', root });
  client = httpClient(stack.baseUrl);
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await stack.close();
  await receiver.close();
});

async function ticketFor(auth: Record<string, string>) {
  const reply = await client('POST', '/agent/live/ticket', undefined, auth);
  return reply.body as { ticket: string; url: string; expiresAt: string };
}

async function connected(auth: Record<string, string>) {
  const { ticket, url } = await ticketFor(auth);
  return openLive(url, ticket);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('live updates over the local runtime', () => {
  it('issues a short-lived ticket for the WebSocket on the same port, stored only as a hash', async () => {
    // Prepare
    const { support } = await seedChannel(stack.deps);
    const ada = await seedAgent(stack.deps, [support.destinationId]);
    // Act
    const reply = await client('POST', '/agent/live/ticket', undefined, ada.auth);
    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      ticket: expect.stringMatching(/^lt_[\w-]{32}$/),
      url: expect.any(String),
      expiresAt: expect.any(String),
    });
    expect(reply.body.url).toBe(`${stack.baseUrl.replace('http:', 'ws:')}/live`);
    const secondsLeft = (Date.parse(reply.body.expiresAt) - Date.now()) / 1000;
    expect(secondsLeft).toBeGreaterThan(25);
    expect(secondsLeft).toBeLessThanOrEqual(30);
    const { Items = [] } = await stack.deps.db.doc.send(
      new ScanCommand({ TableName: stack.deps.db.tableName }),
    );
    expect(JSON.stringify(Items)).not.toContain(reply.body.ticket);
    expect(Items.some((item) => item.pk === liveKeys.ticket(hashSecret(reply.body.ticket)).pk)).toBe(true);
  });

  it('notifies an agent of a client message as it lands, and no agent who may not see it', async () => {
    // Prepare
    const { api, support, sales } = await seedChannel(stack.deps);
    const ada = await seedAgent(stack.deps, [support.destinationId]);
    const olga = await seedAgent(stack.deps, [sales.destinationId], 'Olga');
    const adaLive = await connected(ada.auth);
    const olgaLive = await connected(olga.auth);
    // Act
    const opened = await client('POST', `${api}/selectDestination`, {
      userId: 'u1',
      destinationId: support.destinationId,
    });
    const { conversationId } = opened.body;
    const created = await adaLive.next({ type: 'conversation.created', conversationId });
    const sentAt = Date.now();
    await client('POST', `${api}/sendText`, { userId: 'u1', text: 'Hello?' });
    const message = await adaLive.next({ type: 'message.created', conversationId });
    await pause(200);
    // Assess
    expect(created).toMatchObject({ type: 'conversation.created', conversationId });
    expect(message.messageId).toMatch(new RegExp(`^${conversationId}-\\d+$`));
    console.log(`live: message.created ${message.at - sentAt} ms after sendText was sent`);
    expect(
      olgaLive.received.filter((notification) => notification.conversationId === conversationId),
    ).toEqual([]);
    expect(JSON.stringify(adaLive.received)).not.toContain('Hello?');
    await Promise.all([adaLive.close(), olgaLive.close()]);
  });

  it("tells about an event's delivery state, and tells the queue a conversation left", async () => {
    // Prepare
    const { api, support, sales } = await seedChannel(stack.deps);
    await client('POST', `${api}/setWebhook`, { url: receiver.url('/live') });
    const ada = await seedAgent(stack.deps, [support.destinationId, sales.destinationId]);
    const bob = await seedAgent(stack.deps, [support.destinationId], 'Bob');
    const opened = await client('POST', `${api}/selectDestination`, {
      userId: 'u2',
      destinationId: support.destinationId,
    });
    const { conversationId } = opened.body;
    const path = `/agent/conversations/${conversationId}`;
    await client('POST', `${path}/accept`, undefined, ada.auth);
    const bobLive = await connected(bob.auth);
    const adaLive = await connected(ada.auth);
    // Act
    const sent = await client('POST', `${path}/messages`, { text: 'Hi' }, ada.auth);
    const deliveryChanged = await adaLive.next({ type: 'delivery.changed', messageId: sent.body.id });
    const beforeTransfer = bobLive.received.length;
    await client('POST', `${path}/transfer`, { destinationId: sales.destinationId }, ada.auth);
    const leftBobsQueue = await bobLive.next(
      { type: 'conversation.changed', conversationId },
      beforeTransfer,
    );
    // Assess
    expect(deliveryChanged.conversationId).toBe(conversationId);
    expect(leftBobsQueue.conversationId).toBe(conversationId);
    await Promise.all([adaLive.close(), bobLive.close()]);
  });

  it('forgets a closed connection; a new ticket reconnects, and the Agent API catches up on what was missed', async () => {
    // Prepare
    const { api, support } = await seedChannel(stack.deps);
    const ada = await seedAgent(stack.deps, [support.destinationId]);
    const opened = await client('POST', `${api}/selectDestination`, {
      userId: 'u3',
      destinationId: support.destinationId,
    });
    const { conversationId } = opened.body;
    const first = await connected(ada.auth);
    const listening = await stack.deps.store.live.listeners(support.destinationId, Date.now());
    // Act
    await first.close();
    const afterClose = await eventually(
      () => stack.deps.store.live.listeners(support.destinationId, Date.now()),
      (listeners) => listeners.length === 0,
    );
    await client('POST', `${api}/sendText`, { userId: 'u3', text: 'while you were away' });
    const second = await connected(ada.auth);
    const caughtUp = await client(
      'GET',
      `/agent/conversations/${conversationId}/messages`,
      undefined,
      ada.auth,
    );
    await client('POST', `${api}/sendText`, { userId: 'u3', text: 'and now' });
    const live = await second.next({ type: 'message.created', conversationId });
    const after = await client('GET', `/agent/conversations/${conversationId}/messages`, undefined, ada.auth);
    // Assess
    expect(listening).toHaveLength(1);
    expect(afterClose).toEqual([]);
    expect(first.received.filter((notification) => notification.type === 'message.created')).toEqual([]);
    expect(caughtUp.body.messages.map((message: { text?: string }) => message.text)).toContain(
      'while you were away',
    );
    expect(live.messageId).toBe(after.body.messages.at(-1).id);
    expect(after.body.messages.at(-1).text).toBe('and now');
    await second.close();
  });

  it('prunes a connection record whose socket is gone, and still notifies the live ones', async () => {
    // Prepare
    const { api, support } = await seedChannel(stack.deps);
    const ada = await seedAgent(stack.deps, [support.destinationId]);
    await stack.deps.store.live.putConnection({
      connectionId: 'left-over-from-a-crash',
      employeeId: ada.agent.employeeId,
      credentialVersion: 0,
      queues: [support.destinationId, ada.agent.employeeId],
      connectedAt: new Date().toISOString(),
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });
    const adaLive = await connected(ada.auth);
    // Act
    const opened = await client('POST', `${api}/selectDestination`, {
      userId: 'u4',
      destinationId: support.destinationId,
    });
    const created = await adaLive.next({
      type: 'conversation.created',
      conversationId: opened.body.conversationId,
    });
    const stale = await eventually(
      () => stack.deps.store.live.getConnection('left-over-from-a-crash'),
      (connection) => connection === undefined,
    );
    // Assess
    expect(created.conversationId).toBe(opened.body.conversationId);
    expect(stale).toBeUndefined();
    const listeners = await stack.deps.store.live.listeners(support.destinationId, Date.now());
    expect(listeners.map((listener) => listener.connectionId)).not.toContain('left-over-from-a-crash');
    expect(listeners).toHaveLength(1);
    await adaLive.close();
  });

  it('refuses a reused, expired, unknown or missing ticket, a revoked agent, and any other path', async () => {
    // Prepare
    const { support } = await seedChannel(stack.deps);
    const ada = await seedAgent(stack.deps, [support.destinationId]);
    const bob = await seedAgent(stack.deps, [support.destinationId], 'Bob');
    const used = await ticketFor(ada.auth);
    const firstUse = await connectStatus(used.url, used.ticket);
    const past = { ...stack.deps, now: () => new Date(Date.now() - 31_000) };
    const expired = await issueTicket(
      past,
      (await stack.deps.store.directory.agents.get(ada.agent.employeeId)) as Agent,
    );
    const revokedTicket = await ticketFor(bob.auth);
    await revokeAgent(stack.deps, bob.agent.employeeId);
    // Act
    const statuses = {
      reused: await connectStatus(used.url, used.ticket),
      expired: await connectStatus(used.url, expired.ticket),
      unknown: await connectStatus(used.url, 'lt_made-up'),
      revoked: await connectStatus(used.url, revokedTicket.ticket),
      missing: await connectStatus(used.url, undefined),
      otherPath: await connectStatus(used.url.replace('/live', '/elsewhere'), used.ticket),
    };
    // Assess
    expect(firstUse).toBe(101);
    expect(statuses).toEqual({
      reused: 401,
      expired: 401,
      unknown: 401,
      revoked: 401,
      missing: 400,
      otherPath: 404,
    });
  });

  it('ends the sessions of a revoked agent: after revoke then rotate-token the old socket is closed and hears nothing, and an older ticket is refused', async () => {
    // Prepare
    const { api, support } = await seedChannel(stack.deps);
    const ada = await seedAgent(stack.deps, [support.destinationId]);
    const oldLive = await connected(ada.auth);
    const mintedBefore = await ticketFor(ada.auth);
    // Act
    await revokeAgent(stack.deps, ada.agent.employeeId);
    const { token } = await rotateAgentToken(stack.deps, ada.agent.employeeId);
    const closeCode = await oldLive.closed;
    const newLive = await connected({ authorization: `Bearer ${token}` });
    const opened = await client('POST', `${api}/selectDestination`, {
      userId: 'u-rotated',
      destinationId: support.destinationId,
    });
    const { conversationId } = opened.body;
    await newLive.next({ type: 'conversation.created', conversationId });
    // Assess
    expect(closeCode).toBe(sessionEndedCode);
    expect(oldLive.received.filter((n) => n.conversationId === conversationId)).toEqual([]);
    expect(await connectStatus(mintedBefore.url, mintedBefore.ticket)).toBe(401);
    expect(await stack.deps.store.live.connectionsOf(ada.agent.employeeId)).toHaveLength(1);
    await newLive.close();
  });

  it('closes a socket whose connection record another process removed (the command-line tool revoking)', async () => {
    // Prepare
    const { support } = await seedChannel(stack.deps);
    const ada = await seedAgent(stack.deps, [support.destinationId]);
    const live = await connected(ada.auth);
    const [connection] = await stack.deps.store.live.connectionsOf(ada.agent.employeeId);
    // Act
    await stack.deps.store.live.deleteConnection(connection?.connectionId ?? 'none');
    // Assess
    expect(await live.closed).toBe(sessionEndedCode);
  });
});
