import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Wired } from '#deps';
import { changesOfStreamRecord } from '#store/changes.ts';
import { keys, liveKeys } from '#store/keys.ts';
import { inProcessClient as client } from '../support/clients.ts';
import { useEmbeddedStore } from '../support/embedded-store.ts';
import { acceptedConversation } from '../support/flows.ts';

/**
 * The one decoder of the table's changes: a stream record, as DynamoDB sends it (keys and images in
 * attribute-value form, the service as the TTL's identity), decoded into what it means to the domain.
 */
type Item = Record<string, unknown>;

function streamRecord(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  key: { pk: string; sk: string },
  images: { newImage?: Item; oldImage?: Item; byTtl?: boolean } = {},
): DynamoDBRecord {
  const image = (item: Item | undefined) =>
    item && (marshall({ ...item, ...key }, { removeUndefinedValues: true }) as never);
  return {
    eventName,
    eventSource: 'aws:dynamodb',
    ...(images.byTtl && { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } }),
    dynamodb: {
      Keys: marshall(key) as never,
      NewImage: image(images.newImage),
      OldImage: image(images.oldImage),
      SequenceNumber: '1',
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

const meta = keys.conversation('cv_1');
const entry = keys.message('cv_1', 3);
const pending = { status: 'pending', attempts: 0 };

describe('changesOfStreamRecord', () => {
  it.each<[string, DynamoDBRecord, unknown[]]>([
    [
      'a new conversation: its queue',
      streamRecord('INSERT', meta, { newImage: { destinationId: 'support' } }),
      [{ kind: 'conversation-created', conversationId: 'cv_1', destinationIds: ['support'] }],
    ],
    [
      'a conversation that moved: the queue it is in and the one it left',
      streamRecord('MODIFY', meta, {
        newImage: { destinationId: 'sales' },
        oldImage: { destinationId: 'support' },
      }),
      [{ kind: 'conversation-changed', conversationId: 'cv_1', destinationIds: ['sales', 'support'] }],
    ],
    [
      'a client message: an entry, nothing to deliver',
      streamRecord('INSERT', entry, { newImage: { id: 'cv_1-3' } }),
      [{ kind: 'message-created', conversationId: 'cv_1', messageId: 'cv_1-3' }],
    ],
    [
      'an agent event: an entry, and something to deliver',
      streamRecord('INSERT', entry, { newImage: { id: 'cv_1-3', delivery: pending } }),
      [
        { kind: 'message-created', conversationId: 'cv_1', messageId: 'cv_1-3' },
        { kind: 'outbox-written', conversationId: 'cv_1' },
      ],
    ],
    [
      'a delivery state that changed',
      streamRecord('MODIFY', entry, {
        newImage: { id: 'cv_1-3', delivery: { status: 'delivered', attempts: 1 } },
        oldImage: { id: 'cv_1-3', delivery: pending },
      }),
      [{ kind: 'delivery-changed', conversationId: 'cv_1', messageId: 'cv_1-3' }],
    ],
    [
      'an entry rewritten with the same delivery state',
      streamRecord('MODIFY', entry, {
        newImage: { id: 'cv_1-3', delivery: pending },
        oldImage: { id: 'cv_1-3', delivery: pending },
      }),
      [],
    ],
    [
      'a wake-up, put or put again',
      streamRecord('MODIFY', keys.wake('cv_1', 'w1'), { newImage: { conversationId: 'cv_1' } }),
      [{ kind: 'outbox-written', conversationId: 'cv_1' }],
    ],
    [
      'a conversation item that TTL removed: the item as it was',
      streamRecord('REMOVE', meta, {
        oldImage: { conversationId: 'cv_1', channelId: 'ch', userId: 'u', attributes: {} },
        byTtl: true,
      }),
      [
        {
          kind: 'conversation-expired',
          conversationId: 'cv_1',
          expired: { ...meta, conversationId: 'cv_1', channelId: 'ch', userId: 'u', attributes: {} },
        },
      ],
    ],
    [
      'a conversation item a request removed',
      streamRecord('REMOVE', meta, { oldImage: { conversationId: 'cv_1' } }),
      [],
    ],
    ['a removed entry, even by TTL', streamRecord('REMOVE', entry, { oldImage: {}, byTtl: true }), []],
    ['pre-chat data', streamRecord('INSERT', keys.prechat('cv_1'), { newImage: {} }), []],
    ['an idempotency key', streamRecord('INSERT', keys.idempotency('cv_1', 'a', 'k'), { newImage: {} }), []],
    ['an agent record', streamRecord('MODIFY', keys.agent('a'), { newImage: {} }), []],
    [
      'a live-updates record',
      streamRecord('INSERT', liveKeys.listener('support', 'c'), { newImage: {} }),
      [],
    ],
    ['a record that names no item', { eventName: 'INSERT', dynamodb: {} }, []],
  ])('%s', (_name, record, expected) => {
    expect(changesOfStreamRecord(record)).toEqual(expected);
  });
});

describe('changesOfStreamRecord over the items a conversation writes', () => {
  let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
  let deps: Wired;
  beforeAll(async () => {
    store = await useEmbeddedStore();
    deps = store.deps;
  });
  afterAll(() => store.close());

  it('finds the conversation, its entries, and one delivery per agent event', async () => {
    // Prepare: a client in `support`, accepted, and two agent messages.
    const flow = await acceptedConversation(client, deps, undefined);
    await flow.say('one');
    await flow.say('two');
    const { Items = [] } = await deps.db.doc.send(
      new QueryCommand({
        TableName: deps.db.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.conversation(flow.conversationId).pk },
      }),
    );
    // Act: each stored item as the stream would carry its insert.
    const changes = Items.flatMap((item) =>
      changesOfStreamRecord(
        streamRecord('INSERT', { pk: String(item.pk), sk: String(item.sk) }, { newImage: item }),
      ),
    );
    // Assess
    const { conversationId } = flow;
    expect(changes.filter((change) => change.kind === 'conversation-created')).toEqual([
      { kind: 'conversation-created', conversationId, destinationIds: [flow.support.destinationId] },
    ]);
    const entries = Items.filter((item) => String(item.sk).startsWith(keys.messages('').skPrefix));
    expect(changes.filter((change) => change.kind === 'message-created')).toHaveLength(entries.length);
    const events = entries.filter((item) => item.delivery !== undefined);
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(changes.filter((change) => change.kind === 'outbox-written')).toHaveLength(events.length);
    expect(changes.every((change) => change.conversationId === conversationId)).toBe(true);
  });
});
