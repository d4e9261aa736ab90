import { DeleteCommand, GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverConversation } from '#delivery/engine.ts';
import type { Wired } from '#deps';
import { listFailedEvents } from '#domain/outbox/redrive.ts';
import { keys, sortKeys } from '#store/keys.ts';
import { handler as deliverFromStream } from '../../functions/delivery/deliver-from-stream.ts';
import { inProcessClient as client, seedAgent, seedChannel } from '../support/clients.ts';
import { useEmbeddedStore } from '../support/embedded-store.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * RETENTION_DAYS: only the conversation item carries a DynamoDB TTL, renewed by every write, so a
 * conversation expires counted from its last activity and never loses its oldest messages while it
 * is in use. While an event of it is pending or failed it carries none, so TTL cannot remove it even
 * when the stream's record of a removal is lost. When TTL removes it, the stream takes the rest of the
 * conversation and the user's pointer with it.
 */
let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let deps: Wired;

beforeAll(async () => {
  process.env.RETENTION_DAYS = '30';
  store = await useEmbeddedStore();
  deps = store.deps;
});
afterAll(() => store.close());

async function itemsOf(conversationId: string) {
  const { Items = [] } = await deps.db.doc.send(new ScanCommand({ TableName: deps.db.tableName }));
  return Items.filter((item) => item.pk === `CONV#${conversationId}`);
}

/** The stream record of a conversation item that DynamoDB's TTL removed: a service's REMOVE. */
function removeRecord(old: Record<string, unknown>) {
  return {
    Records: [
      {
        eventName: 'REMOVE',
        userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
        dynamodb: {
          SequenceNumber: '1',
          Keys: marshall({ pk: old.pk, sk: old.sk }),
          OldImage: marshall(old, { removeUndefinedValues: true }),
        },
      },
    ],
  } as unknown as DynamoDBStreamEvent;
}

/** What DynamoDB's TTL does: deletes the conversation item, and the stream tells of it. */
async function expire(conversationId: string) {
  const { Attributes } = await deps.db.doc.send(
    new DeleteCommand({
      TableName: deps.db.tableName,
      Key: keys.conversation(conversationId),
      ReturnValues: 'ALL_OLD',
    }),
  );
  return deliverFromStream(removeRecord(Attributes ?? {}));
}

/**
 * What DynamoDB's TTL does when the stream's record of it is lost: deletes the conversation item if its
 * expiry has passed by then (an item whose expiry a write removed or moved on is left alone).
 */
async function expireLosingTheRecord(conversationId: string, atMs = Date.now()) {
  try {
    await deps.db.doc.send(
      new DeleteCommand({
        TableName: deps.db.tableName,
        Key: keys.conversation(conversationId),
        ConditionExpression: 'expiresAt <= :now',
        ExpressionAttributeValues: { ':now': Math.floor(atMs / 1000) },
      }),
    );
    return 'deleted';
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return 'kept';
    throw error;
  }
}

/** Runs `work` with the clock set back `days`: its writes are stamped that long ago. */
async function daysAgo<T>(days: number, work: () => Promise<T>): Promise<T> {
  const now = deps.now;
  deps.now = () => new Date(Date.now() - days * 86_400_000);
  try {
    return await work();
  } finally {
    deps.now = now;
  }
}

async function activeConversation() {
  const seeded = await seedChannel(deps);
  const agent = await seedAgent(deps, [seeded.support.destinationId]);
  const opened = await client('POST', `${seeded.api}/sendText`, { userId: 'u-ttl', text: 'hi' });
  const conversationId = opened.body.conversationId as string;
  const path = `/agent/conversations/${conversationId}`;
  await client('POST', `${path}/accept`, undefined, agent.auth);
  return { ...seeded, agent, conversationId, path };
}

describe('retention', () => {
  it('stamps only the conversation item, RETENTION_DAYS after its last write, and renews it with every entry', async () => {
    // Prepare
    const { conversationId, api } = await activeConversation();
    const before = (await itemsOf(conversationId)).find((item) => item.sk === sortKeys.conversation)
      ?.expiresAt as number;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // Act
    await client('POST', `${api}/sendText`, { userId: 'u-ttl', text: 'still here' });
    // Assess
    const items = await itemsOf(conversationId);
    const thirtyDays = Date.now() / 1000 + 30 * 86_400;
    const meta = items.find((item) => item.sk === sortKeys.conversation);
    expect(meta?.expiresAt).toBeGreaterThan(thirtyDays - 60);
    expect(meta?.expiresAt).toBeGreaterThan(before);
    const transcript = items.filter((item) => String(item.sk).startsWith(keys.messages('').skPrefix));
    expect(transcript.length).toBeGreaterThanOrEqual(3);
    expect(transcript.every((item) => item.expiresAt === undefined)).toBe(true);
  });

  it('removes the rest of an expired conversation and its pointer, so the next message opens a new one', async () => {
    // Prepare
    const { conversationId, api, channel } = await activeConversation();
    // Act
    const result = await expire(conversationId);
    const next = await client('POST', `${api}/sendText`, { userId: 'u-ttl', text: 'a new day' });
    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(await itemsOf(conversationId)).toEqual([]);
    const { Item: pointer } = await deps.db.doc.send(
      new GetCommand({
        TableName: deps.db.tableName,
        Key: keys.openConversation(channel.channelId, 'u-ttl'),
      }),
    );
    expect(pointer?.conversationId).toBe(next.body.conversationId);
    expect(next.body.conversationId).not.toBe(conversationId);
  });

  it('answers a duplicate of the same TTL record as done, without a failure', async () => {
    // Prepare: a pending event keeps the conversation; the stream then delivers the record again.
    const { conversationId, path, agent } = await activeConversation();
    await client('POST', `${path}/messages`, { text: 'pending' }, agent.auth);
    const { Item } = await deps.db.doc.send(
      new GetCommand({ TableName: deps.db.tableName, Key: keys.conversation(conversationId) }),
    );
    await expire(conversationId);
    // Act
    const again = await deliverFromStream(removeRecord(Item ?? {}));
    // Assess
    expect(again).toEqual({ batchItemFailures: [] });
    expect((await itemsOf(conversationId)).some((item) => item.sk === sortKeys.conversation)).toBe(true);
  });

  it('carries no expiry while an event is pending or failed, and renews it when the last one is delivered', async () => {
    // Prepare: no webhook yet, so the agent's message waits.
    const receiver = await startWebhookReceiver(() => 400);
    const { conversationId, path, agent, api } = await activeConversation();
    const waits = await client('POST', `${path}/messages`, { text: 'waits' }, agent.auth);
    const meta = async () =>
      (await itemsOf(conversationId)).find((item) => item.sk === sortKeys.conversation);
    // Act
    await deliverConversation(deps, conversationId);
    const whilePending = await meta();
    await client('POST', `${api}/setWebhook`, { url: receiver.url('/refuses') });
    await deliverConversation(deps, conversationId);
    const whileFailed = await meta();
    receiver.script(() => 200);
    await client('POST', `${path}/messages/${waits.body.id}/retry`, undefined, agent.auth);
    await deliverConversation(deps, conversationId);
    const afterDelivery = await meta();
    await receiver.close();
    // Assess
    expect(whilePending?.expiresAt).toBeUndefined();
    expect(whileFailed?.expiresAt).toBeUndefined();
    expect(afterDelivery?.expiresAt).toBeGreaterThan(Date.now() / 1000 + 29 * 86_400);
  });

  it('a client message never gives back the expiry while an event is failed, so TTL cannot strand it', async () => {
    // Prepare: the agent's message fails for good (the webhook refuses it).
    const receiver = await startWebhookReceiver(() => 400);
    const { conversationId, path, agent, api } = await activeConversation();
    await client('POST', `${api}/setWebhook`, { url: receiver.url('/refuses') });
    const failed = await client('POST', `${path}/messages`, { text: 'refused' }, agent.auth);
    await deliverConversation(deps, conversationId);
    // Act: the client writes 40 days ago, then TTL runs today and its stream record is lost.
    const reply = await daysAgo(40, () =>
      client('POST', `${api}/sendText`, { userId: 'u-ttl', text: 'hello?' }),
    );
    const ttl = await expireLosingTheRecord(conversationId);
    receiver.script(() => 200);
    const listed = (await listFailedEvents(deps)).map((event) => event.id);
    const retry = await client('POST', `${path}/messages/${failed.body.id}/retry`, undefined, agent.auth);
    await receiver.close();
    // Assess
    expect(reply.status).toBe(200);
    expect(ttl).toBe('kept');
    expect(listed).toContain(failed.body.id);
    expect(retry.status).toBe(202);
  });

  it('a write with an event to deliver takes the expiry off until the deliverer is done with it', async () => {
    // Prepare: no webhook, so the agent's Closed waits; the close is stamped 40 days ago.
    const { conversationId, path, agent } = await activeConversation();
    await daysAgo(40, () => client('POST', `${path}/close`, undefined, agent.auth));
    // Act
    const ttl = await expireLosingTheRecord(conversationId);
    // Assess: the Closed still waits for setWebhook, so the conversation stays.
    expect(ttl).toBe('kept');
    const items = await itemsOf(conversationId);
    expect(items.find((item) => item.sk === sortKeys.conversation)?.expiresAt).toBeUndefined();
  });

  it('puts back a conversation that TTL removed while an event was pending, without an expiry and due now', async () => {
    // Prepare: no webhook is set, so the agent's message stays pending; an older version left an expiry on the item.
    const { conversationId, path, agent } = await activeConversation();
    const sent = await client('POST', `${path}/messages`, { text: 'pending' }, agent.auth);
    await deps.db.doc.send(
      new UpdateCommand({
        TableName: deps.db.tableName,
        Key: keys.conversation(conversationId),
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': 1 },
      }),
    );
    // Act: the handler's clock (Deps) says when the conversation is due again.
    await daysAgo(1, () => expire(conversationId));
    // Assess
    const meta = (await itemsOf(conversationId)).find((item) => item.sk === sortKeys.conversation);
    expect(meta?.expiresAt).toBeUndefined();
    expect(String(meta?.gsi1pk)).toMatch(/^OUTBOX#DUE#/);
    expect(Date.parse(String(meta?.gsi1sk).split('#')[0] ?? '')).toBeLessThan(Date.now() - 86_000_000);
    const event = (await itemsOf(conversationId)).find((item) => item.id === sent.body.id);
    expect(event?.delivery.status).toBe('pending');
  });

  it('counts an event a dead pass failed and could not save the count of, so the conversation keeps no expiry', async () => {
    // Prepare: the agent's message was made failed by a pass that died before its release (cursor and count unsaved).
    const receiver = await startWebhookReceiver(() => 200);
    const { conversationId, path, agent, api } = await activeConversation();
    const sent = await client('POST', `${path}/messages`, { text: 'failed by a dead pass' }, agent.auth);
    const entry = (await itemsOf(conversationId)).find((item) => item.id === sent.body.id);
    await deps.db.doc.send(
      new UpdateCommand({
        TableName: deps.db.tableName,
        Key: { pk: entry?.pk, sk: entry?.sk },
        UpdateExpression: 'SET delivery.#status = :failed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':failed': 'failed' },
      }),
    );
    await client('POST', `${api}/setWebhook`, { url: receiver.url('/ok') });
    // Act
    await deliverConversation(deps, conversationId);
    const ttl = await expireLosingTheRecord(conversationId, Date.now() + 40 * 86_400_000);
    await receiver.close();
    // Assess
    const meta = (await itemsOf(conversationId)).find((item) => item.sk === sortKeys.conversation);
    expect(meta?.failedEvents).toEqual(new Set([entry?.seq]));
    expect(meta?.expiresAt).toBeUndefined();
    expect(ttl).toBe('kept');
  });
});
