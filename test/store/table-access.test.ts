import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deliveryFunctions,
  liveNotifier,
  liveRoutes,
  matchRoute,
  routes,
  type TableAccess,
} from '#api/routes.ts';
import type { Wired as Deps } from '#deps';
import { channelSecretsStore } from '#store/channel-secrets.ts';
import { familyOf } from '#store/key-families.ts';
import { keys } from '#store/keys.ts';
import { setAgentPlatform } from '#use-cases/admin/set-agent-platform.ts';
import { updateDestination } from '#use-cases/admin/update-destination.ts';
import { handler as deliverFromStream } from '../../functions/delivery/deliver-from-stream.ts';
import { handler as deliverOnTimer } from '../../functions/delivery/deliver-on-timer.ts';
import { handler as sweepOutbox } from '../../functions/delivery/sweep-outbox.ts';
import { type ConnectEvent, handler as connect } from '../../functions/live/connect.ts';
import { handler as disconnect } from '../../functions/live/disconnect.ts';
import { handler as notify } from '../../functions/live/notify-from-stream.ts';
import { inProcessClient, seedAgent, seedChannel } from '../support/clients.ts';
import { useEmbeddedStore } from '../support/embedded-store.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * The key families each function's declaration in the route table names are the ones its IAM policy
 * allows (`dynamodb:LeadingKeys`). Here every function runs a day's work on the real store, with each
 * DynamoDB request recorded under the function that sent it, and each request must fall inside that
 * function's declaration: a use case that starts touching a new kind of item fails this test, not
 * production with AccessDeniedException.
 */
interface Access {
  fn: string;
  kind: 'read' | 'write';
  /** The index queried, or undefined for the table. */
  index?: string;
  partition: string;
}

const running = new AsyncLocalStorage<string>();
const accesses: Access[] = [];
let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let deps: Deps;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
const managementApi = createServer((_request, response) => response.writeHead(200).end('{}'));

/** A string as the document client gives it, or as the low-level client marshals it. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : (value as { S?: string } | undefined)?.S;
}

/** The value a key condition compares the partition key with: `pk = :v` or `#n = :v`. */
function queriedPartition(input: Record<string, unknown>): string | undefined {
  const condition = String(input.KeyConditionExpression ?? '');
  const placeholder = /^\s*\S+\s*=\s*(:\w+)/.exec(condition)?.[1];
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  return placeholder ? text(values[placeholder]) : undefined;
}

function record(fn: string, command: string, input: Record<string, unknown>) {
  const keyOf = (item: Record<string, unknown> | undefined) => text(item?.pk) ?? '?';
  if (command === 'GetItem') accesses.push({ fn, kind: 'read', partition: keyOf(input.Key as never) });
  else if (command === 'BatchGetItem') {
    for (const request of Object.values(input.RequestItems as Record<string, { Keys: never[] }>)) {
      for (const key of request.Keys) accesses.push({ fn, kind: 'read', partition: keyOf(key) });
    }
  } else if (command === 'Query') {
    accesses.push({
      fn,
      kind: 'read',
      index: input.IndexName as string | undefined,
      partition: queriedPartition(input) ?? '?',
    });
  } else if (command === 'PutItem')
    accesses.push({ fn, kind: 'write', partition: keyOf(input.Item as never) });
  else if (command === 'UpdateItem' || command === 'DeleteItem') {
    accesses.push({ fn, kind: 'write', partition: keyOf(input.Key as never) });
  } else if (command === 'TransactWriteItems') {
    for (const item of input.TransactItems as Record<string, Record<string, unknown>>[]) {
      const [action, body] = Object.entries(item)[0] ?? [];
      const key = (body?.Key ?? body?.Item) as never;
      accesses.push({ fn, kind: action === 'ConditionCheck' ? 'read' : 'write', partition: keyOf(key) });
    }
  } else accesses.push({ fn, kind: 'read', partition: `unexpected ${command}` });
}

beforeAll(async () => {
  await new Promise<void>((resolve) => managementApi.listen(0, '127.0.0.1', resolve));
  process.env.LIVE_MANAGEMENT_URL = `http://127.0.0.1:${(managementApi.address() as AddressInfo).port}/live`;
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  store = await useEmbeddedStore();
  deps = store.deps;
  receiver = await startWebhookReceiver();
  deps.db.client.middlewareStack.add(
    (next, context) => async (args) => {
      const fn = running.getStore();
      if (fn) record(fn, String(context.commandName).replace(/Command$/, ''), args.input as never);
      return next(args);
    },
    { step: 'initialize', name: 'tableAccessRecorder' },
  );
});
afterAll(async () => {
  await receiver.close();
  await new Promise((resolve) => managementApi.close(resolve));
  await store.close();
});

/** An HTTP route's handler, run as its own function. */
function call(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
  const match = matchRoute(method, path.split('?')[0] ?? path);
  const name = match.kind === 'route' ? match.route.name : 'NotFound';
  return running.run(name, () => inProcessClient(method, path, body, headers));
}

async function conversationImages(conversationId: string) {
  const { Items = [] } = await deps.db.doc.send(
    new QueryCommand({
      TableName: deps.db.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.conversation(conversationId).pk },
    }),
  );
  return Items.map((item) => marshall(item, { removeUndefinedValues: true }) as Record<string, never>);
}

function streamOf(images: Record<string, never>[]): DynamoDBStreamEvent {
  return <DynamoDBStreamEvent>(<unknown>{
    Records: images.map((image, i) => ({
      eventName: 'INSERT',
      dynamodb: { Keys: { pk: image.pk, sk: image.sk }, NewImage: image, SequenceNumber: String(i + 1) },
    })),
  });
}

/** Every function of the stack that touches the table, with the access the route table declares. */
const declared = new Map<string, TableAccess>([
  ...routes.map((route) => [route.name, route.table] as const),
  ...liveRoutes.map((route) => [route.name, route.table] as const),
  [liveNotifier.name, liveNotifier.table],
  ...Object.values(deliveryFunctions).map((fn) => [fn.name, fn.table] as const),
]);

describe('the platform signing secret', () => {
  it('is kept out of the channel item, which every Operator API function reads', async () => {
    // Prepare
    const { channel } = await seedChannel(deps);

    // Act
    const { signingSecret } = await setAgentPlatform(deps, channel.channelId, receiver.url('/platform'));
    const stored = await deps.store.directory.channels.get(channel.channelId);
    const kept = await channelSecretsStore.platformSecret(deps.db, {
      ...channel,
      agentPlatformSecret: undefined,
    });

    // Assess
    expect(stored?.agentPlatformUrl).toBe(receiver.url('/platform'));
    expect(JSON.stringify(stored)).not.toContain(signingSecret as string);
    expect(kept).toBe(signingSecret);
  });
});

describe('table access by function', () => {
  it('stays inside the key families each function declares', { timeout: 60_000 }, async () => {
    // Prepare
    const { api, channel, support, sales } = await seedChannel(deps);
    const ada = await seedAgent(deps, [support.destinationId, sales.destinationId]);
    const lambda = { getRemainingTimeInMillis: () => 20_000 } as Context;
    await setAgentPlatform(deps, channel.channelId, receiver.url('/platform'));

    // Act: a day of work, every function at least once.
    await call('GET', `${api}/getDestinations`);
    await call('PUT', '/agent/me/presence', { online: true }, ada.auth);
    const opened = await call('POST', `${api}/selectDestination`, {
      userId: 'client-1',
      destinationId: support.destinationId,
    });
    const conversationId = opened.body.conversationId as string;
    const path = `/agent/conversations/${conversationId}`;
    await call('POST', `${path}/accept`, undefined, ada.auth);
    await call('POST', `${path}/messages`, { text: 'Waiting for the webhook' }, ada.auth);
    // The events that waited for a webhook are released by it.
    await call('POST', `${api}/setWebhook`, { url: receiver.url('/hook') });
    await call('POST', `${api}/sendText`, { userId: 'client-1', text: 'Hello' });
    await call('POST', `${api}/sendFile`, {
      userId: 'client-1',
      url: 'https://example.com/a.png',
      name: 'a.png',
    });
    await call('POST', `${api}/sendText`, { userId: 'client-2', text: 'Anyone?' });
    await call('POST', `${api}/selectDestination`, {
      userId: 'client-3',
      destinationId: ada.agent.employeeId,
    });
    await call('GET', '/agent/me', undefined, ada.auth);
    await call('GET', '/agent/destinations', undefined, ada.auth);
    await call('GET', '/agent/canned-replies', undefined, ada.auth);
    await call('GET', '/agent/conversations', undefined, ada.auth);
    await call(
      'GET',
      `/agent/conversations?destinationId=${support.destinationId}&status=closed`,
      undefined,
      ada.auth,
    );
    const ticket = await call('POST', '/agent/live/ticket', undefined, ada.auth);
    await running.run('LiveConnect', () =>
      connect({
        requestContext: { connectionId: 'conn-1', routeKey: '$connect', eventType: 'CONNECT' },
        queryStringParameters: { ticket: ticket.body.ticket },
      } as unknown as ConnectEvent),
    );
    await call('POST', `${path}/accept`, undefined, ada.auth);
    const sent = await call(
      'POST',
      `${path}/messages`,
      { text: 'Hi' },
      { ...ada.auth, 'idempotency-key': 'k1' },
    );
    await call('POST', `${path}/messages`, { url: 'https://example.com/b.pdf', name: 'b.pdf' }, ada.auth);
    await call('GET', `${path}/messages`, undefined, ada.auth);
    await call('POST', `${path}/messages/${sent.body.id}/retry`, undefined, ada.auth);
    await running.run(liveNotifier.name, async () =>
      notify(streamOf(await conversationImages(conversationId))),
    );
    await running.run(deliveryFunctions.fromStream.name, async () =>
      deliverFromStream(streamOf(await conversationImages(conversationId))),
    );
    const timer = { Records: [{ messageId: 'm1', body: JSON.stringify({ conversationId }) }] } as SQSEvent;
    await running.run(deliveryFunctions.timer.name, () => deliverOnTimer(timer));
    // Automatic replies: the transfer lands where nobody can answer, and the sweep looks for due ones.
    await updateDestination(deps, sales.destinationId, {
      offlineReply: 'Nobody is here',
      waitingReply: 'Still looking',
      waitingAfterMinutes: 1,
    });
    await call('PUT', '/agent/me/presence', { online: false }, ada.auth);
    await call('POST', `${path}/transfer`, { destinationId: sales.destinationId }, ada.auth);
    await call('POST', `${path}/accept`, undefined, ada.auth);
    await call('POST', `${path}/close`, undefined, ada.auth);
    await call('POST', `${api}/closeChat`, { userId: 'client-2' });
    await running.run(deliveryFunctions.sweep.name, () => sweepOutbox({}, lambda));
    await running.run('LiveDisconnect', () =>
      disconnect({ requestContext: { connectionId: 'conn-1', routeKey: '$disconnect' } } as never),
    );
    await call('GET', '/openapi.json');
    await call('GET', '/console/').catch(() => 'the console answers HTML');
    await call('GET', '/nowhere');

    // Assess
    const outside = accesses.filter((access) => {
      const access_ = declared.get(access.fn);
      if (!access_ || access_ === 'none') return true;
      const family = familyOf(access.partition, access.index);
      return !family || !access_[access.kind === 'read' ? 'reads' : 'writes'].includes(family);
    });
    expect(outside).toEqual([]);
    const seen = new Set(accesses.map((access) => access.fn));
    for (const [name, access] of declared) {
      if (access !== 'none') expect(seen, `${name} ran`).toContain(name);
    }
  });
});
