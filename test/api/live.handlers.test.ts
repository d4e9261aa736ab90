import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Wired } from '#deps';
import type { Agent } from '#domain/directory/model.ts';
import { managementApiSessions } from '#live/management-api.ts';
import { issueTicket } from '#live/tickets.ts';
import { keys } from '#store/keys.ts';
import { revokeAgent } from '#use-cases/admin/revoke-agent.ts';
import { updateAgent } from '#use-cases/admin/update-agent.ts';
import { type ConnectEvent, handler as connect } from '../../functions/live/connect.ts';
import { handler as disconnect } from '../../functions/live/disconnect.ts';
import { handler as notify } from '../../functions/live/notify-from-stream.ts';
import { inProcessClient as client, seedAgent, seedChannel } from '../support/clients.ts';
import { useEmbeddedStore } from '../support/embedded-store.ts';

/**
 * The AWS path in-process: the `$connect`/`$disconnect` handlers called with API Gateway's WebSocket
 * events, and the stream notifier posting through the real management API client to a stand-in for
 * API Gateway's callback endpoint on loopback, which answers 410 Gone for connections told to be gone.
 */
let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let deps: Wired;
const posts: {
  connectionId: string;
  body: { type: string; conversationId: string };
  headers: IncomingHttpHeaders;
}[] = [];
const gone = new Set<string>();
/** Connections ended through the management API (DELETE @connections/{id}). */
const closed: string[] = [];
const endpoint = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const connectionId = decodeURIComponent(request.url?.split('/@connections/')[1] ?? '');
    if (request.method === 'DELETE') {
      closed.push(connectionId);
      response.writeHead(gone.has(connectionId) ? 410 : 204).end();
      return;
    }
    posts.push({
      connectionId,
      body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      headers: request.headers,
    });
    response.writeHead(gone.has(connectionId) ? 410 : 200, { 'content-type': 'application/json' }).end('{}');
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  process.env.LIVE_MANAGEMENT_URL = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/live`;
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  store = await useEmbeddedStore();
  deps = store.deps;
});
afterAll(async () => {
  endpoint.closeAllConnections();
  await new Promise((resolve) => endpoint.close(resolve));
  await store.close();
});

function connectEvent(connectionId: string, query?: Record<string, string>): ConnectEvent {
  return {
    requestContext: { connectionId, routeKey: '$connect', eventType: 'CONNECT' },
    ...(query && { queryStringParameters: query }),
  } as ConnectEvent;
}

async function connectAs(auth: Record<string, string>, connectionId: string) {
  const { body } = await client('POST', '/agent/live/ticket', undefined, auth);
  return connect(connectEvent(connectionId, { ticket: body.ticket }));
}

/** Stream records as DynamoDB would send them for the conversation's items (those after `afterSeq`), as inserts. */
async function insertRecords(conversationId: string, afterSeq = 0): Promise<DynamoDBStreamEvent> {
  const { Items = [] } = await deps.db.doc.send(
    new QueryCommand({
      TableName: deps.db.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.conversation(conversationId).pk },
    }),
  );
  const image = (item: Record<string, unknown>) =>
    marshall(item, { removeUndefinedValues: true }) as Record<string, never>;
  return {
    Records: Items.filter((item) => (item.seq === undefined ? afterSeq === 0 : item.seq > afterSeq)).map(
      (item, i) => ({
        eventName: 'INSERT',
        dynamodb: {
          Keys: image({ pk: item.pk, sk: item.sk }),
          NewImage: image(item),
          SequenceNumber: String(i),
        },
      }),
    ),
  };
}

describe('$connect and $disconnect handlers', () => {
  it('redeem a ticket once, record the connection by queue, and forget it on disconnect', async () => {
    // Prepare
    const { support } = await seedChannel(deps);
    const ada = await seedAgent(deps, [support.destinationId]);
    const { body } = await client('POST', '/agent/live/ticket', undefined, ada.auth);
    const past = { ...deps, now: () => new Date(Date.now() - 31_000) };
    const expired = await issueTicket(
      past,
      (await deps.store.directory.agents.get(ada.agent.employeeId)) as Agent,
    );
    // Act
    const first = await connect(connectEvent('conn-1', { ticket: body.ticket }));
    const recorded = await deps.store.live.getConnection('conn-1');
    const listening = await deps.store.live.listeners(support.destinationId, Date.now());
    const reused = await connect(connectEvent('conn-2', { ticket: body.ticket }));
    const late = await connect(connectEvent('conn-3', { ticket: expired.ticket }));
    const missing = await connect(connectEvent('conn-4'));
    await disconnect({ requestContext: { connectionId: 'conn-1' } } as Parameters<typeof disconnect>[0]);
    // Assess
    expect(first.statusCode).toBe(200);
    expect(recorded).toMatchObject({
      connectionId: 'conn-1',
      employeeId: ada.agent.employeeId,
      queues: [support.destinationId, ada.agent.employeeId],
    });
    expect(listening.map((listener) => listener.connectionId)).toEqual(['conn-1']);
    expect([reused.statusCode, late.statusCode, missing.statusCode]).toEqual([401, 401, 400]);
    expect(JSON.parse(reused.body ?? '{}').error.code).toBe('unauthorized');
    for (const id of ['conn-1', 'conn-2', 'conn-3', 'conn-4'])
      expect(await deps.store.live.getConnection(id)).toBeUndefined();
    expect(await deps.store.live.listeners(support.destinationId, Date.now())).toEqual([]);
  });
});

describe('stream notifier', () => {
  it('posts each change to the connections that may see the conversation, and prunes one that answers 410', async () => {
    // Prepare
    const { api, support, sales } = await seedChannel(deps);
    const ada = await seedAgent(deps, [support.destinationId]);
    const olga = await seedAgent(deps, [sales.destinationId], 'Olga');
    await connectAs(ada.auth, 'ada-live');
    await connectAs(ada.auth, 'ada-gone');
    await connectAs(olga.auth, 'olga-live');
    gone.add('ada-gone');
    const opened = await client('POST', `${api}/selectDestination`, {
      userId: 'u1',
      destinationId: support.destinationId,
    });
    await client('POST', `${api}/sendText`, { userId: 'u1', text: 'secret words' });
    const { conversationId } = opened.body;
    const event = await insertRecords(conversationId);
    event.Records.push({
      eventName: 'MODIFY',
      dynamodb: { Keys: marshall(keys.agent('x')) as never },
    });
    posts.length = 0;
    // Act
    await notify(event);
    // Assess
    const to = (connectionId: string) =>
      posts.filter((post) => post.connectionId === connectionId).map((post) => post.body);
    expect(to('ada-live')).toEqual([
      { type: 'conversation.created', conversationId },
      { type: 'message.created', conversationId, messageId: `${conversationId}-1` },
      { type: 'message.created', conversationId, messageId: `${conversationId}-2` },
    ]);
    expect(to('ada-gone')).toHaveLength(1);
    expect(to('olga-live')).toEqual([]);
    expect(JSON.stringify(posts.map((post) => post.body))).not.toContain('secret words');
    expect(posts.every((post) => post.headers.authorization?.startsWith('AWS4-HMAC-SHA256'))).toBe(true);
    expect(await deps.store.live.getConnection('ada-gone')).toBeUndefined();
    expect(
      (await deps.store.live.listeners(support.destinationId, Date.now())).map((l) => l.connectionId),
    ).toEqual(['ada-live']);
    expect(await deps.store.live.getConnection('ada-live')).toBeDefined();
  });

  it('reaches a reconnected agent on its new connection only, after it caught up through the Agent API', async () => {
    // Prepare
    const { api, support } = await seedChannel(deps);
    const ada = await seedAgent(deps, [support.destinationId]);
    const opened = await client('POST', `${api}/selectDestination`, {
      userId: 'u2',
      destinationId: support.destinationId,
    });
    const { conversationId } = opened.body;
    const path = `/agent/conversations/${conversationId}/messages`;
    await connectAs(ada.auth, 'ada-before');
    await disconnect({ requestContext: { connectionId: 'ada-before' } } as Parameters<typeof disconnect>[0]);
    await client('POST', `${api}/sendText`, { userId: 'u2', text: 'while you were away' });
    // Act
    const reconnected = await connectAs(ada.auth, 'ada-after');
    const caughtUp = await client('GET', path, undefined, ada.auth);
    const lastSeq = caughtUp.body.messages.length;
    await client('POST', `${api}/sendText`, { userId: 'u2', text: 'and now' });
    posts.length = 0;
    await notify(await insertRecords(conversationId, lastSeq));
    // Assess
    expect(reconnected.statusCode).toBe(200);
    expect(caughtUp.body.messages.map((message: { text?: string }) => message.text)).toContain(
      'while you were away',
    );
    expect(posts.map((post) => [post.connectionId, post.body])).toEqual([
      [
        'ada-after',
        { type: 'message.created', conversationId, messageId: `${conversationId}-${lastSeq + 1}` },
      ],
    ]);
  });

  it('tells nothing more to a revoked agent, or to one moved out of the group, though still connected', async () => {
    // Prepare
    const { api, support, sales } = await seedChannel(deps);
    const ada = await seedAgent(deps, [support.destinationId]);
    const bob = await seedAgent(deps, [support.destinationId], 'Bob');
    const carl = await seedAgent(deps, [support.destinationId], 'Carl');
    await connectAs(ada.auth, 'ada-revoked');
    await connectAs(bob.auth, 'bob-moved');
    await connectAs(carl.auth, 'carl-stays');
    // As the command-line tool revokes: through the management API.
    const liveSessions = managementApiSessions({
      managementUrl: process.env.LIVE_MANAGEMENT_URL,
      region: 'us-east-1',
    });
    await revokeAgent({ ...deps, liveSessions }, ada.agent.employeeId);
    await updateAgent(deps, bob.agent.employeeId, { destinations: [sales.destinationId] });
    expect(closed).toEqual(['ada-revoked']);
    const opened = await client('POST', `${api}/selectDestination`, {
      userId: 'u3',
      destinationId: support.destinationId,
    });
    posts.length = 0;
    // Act
    await notify(await insertRecords(opened.body.conversationId));
    // Assess
    expect(new Set(posts.map((post) => post.connectionId))).toEqual(new Set(['carl-stays']));
  });
});
