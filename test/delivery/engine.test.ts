import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverConversation } from '#delivery/engine.ts';
import { sweepOutbox } from '#delivery/sweep.ts';
import type { Wired } from '#deps';
import { OUTBOX_SHARDS } from '#domain/outbox/config.ts';
import type { OutboxIndexPort } from '#domain/outbox/ports.ts';
import { keys, sortKeys } from '#store/keys.ts';
import { handler as deliverFromStream } from '../../functions/delivery/deliver-from-stream.ts';
import { handler as sweepHandler } from '../../functions/delivery/sweep-outbox.ts';
import { inProcessClient as client } from '../support/clients.ts';
import { useEmbeddedStore } from '../support/embedded-store.ts';
import { acceptedConversation } from '../support/flows.ts';
import { streamInsert } from '../support/outbox-items.ts';
import { countRequests } from '../support/request-counter.ts';
import { eventually, startWebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * The delivery engine as AWS runs it (stream, timer and sweep functions called in-process), with
 * DynamoDB's eventual consistency played by a seam at the store's port: an outbox index that does
 * not yet show recent writes. Nothing delivers in the background here.
 */
let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let deps: Wired;
let counter: ReturnType<typeof countRequests>;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let realIndex: OutboxIndexPort;

beforeAll(async () => {
  process.env.DELIVERY_SCHEDULE_SECONDS = '0,30';
  process.env.DELIVERY_TIMEOUT_MS = '1000';
  store = await useEmbeddedStore();
  deps = store.deps;
  realIndex = deps.store.outbox;
  counter = countRequests(deps);
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver.close();
  await store.close();
});

/** An index that lags: it answers as if nothing had been written to it since `blind` was called. */
function laggingIndex() {
  let blindUntilLifted = false;
  const index: OutboxIndexPort = {
    ...realIndex,
    due: (shard, until) => (blindUntilLifted ? Promise.resolve([]) : realIndex.due(shard, until)),
    waiting: (channelId, target) =>
      blindUntilLifted ? Promise.resolve([]) : realIndex.waiting(channelId, target),
  };
  return {
    index,
    blind: () => {
      blindUntilLifted = true;
    },
    catchUp: () => {
      blindUntilLifted = false;
    },
  };
}

const onPath = (path: string) => receiver.received.filter((request) => request.path === path);

describe('nothing stranded, whatever the index shows', () => {
  it('delivers events parked before setWebhook although the index never showed them to setWebhook', async () => {
    // Prepare: events are written and parked with no webhook; the index then lags behind.
    const flow = await acceptedConversation(client, deps, undefined);
    await flow.say('parked one');
    await flow.say('parked two');
    await deliverFromStream(streamInsert(flow.conversationId));
    const lag = laggingIndex();
    deps.store.outbox = lag.index;
    try {
      lag.blind();
      // Act: setWebhook's own look at the index finds nothing; the index catches up before the sweep.
      await client('POST', `${flow.api}/setWebhook`, { url: receiver.url('/parked') });
      const afterSetWebhook = onPath('/parked').length;
      lag.catchUp();
      await sweepOutbox(deps);
      // Assess
      expect(afterSetWebhook).toBe(0);
      expect(onPath('/parked').map((request) => request.body.text)).toEqual(['parked one', 'parked two']);
    } finally {
      deps.store.outbox = realIndex;
    }
  });

  it('delivers when setWebhook lands between the deliverer reading the channel and parking', async () => {
    // Prepare: the deliverer finds no URL and parks; setWebhook lands between its look and its park.
    const flow = await acceptedConversation(client, deps, undefined);
    await flow.say('raced');
    const lag = laggingIndex();
    deps.store.outbox = lag.index;
    lag.blind();
    const realRelease = deps.store.leases.release;
    let setWebhookDone: Promise<unknown> | undefined;
    deps.store.leases.release = async (...args) => {
      setWebhookDone ??= client('POST', `${flow.api}/setWebhook`, { url: receiver.url('/raced') });
      await setWebhookDone;
      return realRelease(...args);
    };
    try {
      // Act
      await deliverConversation(deps, flow.conversationId, {
        schedule: (conversationId) => deliverConversation(deps, conversationId),
      });
      // Assess
      expect(await setWebhookDone).toMatchObject({ status: 200 });
      await eventually(
        () => onPath('/raced'),
        (list) => list.length === 1,
      );
      expect(onPath('/raced')[0]?.body.text).toBe('raced');
    } finally {
      deps.store.leases.release = realRelease;
      deps.store.outbox = realIndex;
    }
  });
});

describe('cost', () => {
  it('costs nothing while a failed head waits for its retry, but the sweep’s index queries', async () => {
    // Prepare: the webhook fails once; the retry is due in 30 s.
    receiver.script((request) => (request.path === '/blocked' ? 503 : 200));
    const flow = await acceptedConversation(client, deps, receiver.url('/blocked'));
    await flow.say('first');
    await deliverFromStream(streamInsert(flow.conversationId));
    await flow.say('second');
    // Act: the sweep runs three times before the retry is due.
    const { requests } = await counter.during(async () => {
      for (let i = 0; i < 3; i++) await sweepOutbox(deps);
    });
    receiver.script(() => 200);
    // Assess
    expect(onPath('/blocked')).toHaveLength(1);
    expect(
      requests.filter((request) => request.partition === keys.conversation(flow.conversationId).pk),
    ).toEqual([]);
    expect(requests.every((request) => request.command === 'Query')).toBe(true);
  });

  it('reads about the same number of items per delivered event at 10 and at 200 events', async () => {
    const perEvent = async (events: number) => {
      const flow = await acceptedConversation(client, deps, receiver.url(`/flat-${events}`));
      const { requests } = await counter.during(async () => {
        for (let i = 0; i < events; i++) {
          await flow.say(`event ${i}`);
          await deliverFromStream(streamInsert(flow.conversationId));
        }
      });
      expect(receiver.accepted().filter((request) => request.path === `/flat-${events}`)).toHaveLength(
        events,
      );
      return requests.reduce((total, request) => total + request.itemsRead, 0) / events;
    };
    const at10 = await perEvent(10);
    const at200 = await perEvent(200);
    console.log(
      `items read per delivered event: ${at10.toFixed(2)} at 10 events, ${at200.toFixed(2)} at 200`,
    );
    expect(at200).toBeLessThanOrEqual(at10 * 1.1);
  });

  it('spreads pending work over the index shards and never indexes every pending event', async () => {
    // Prepare: 32 conversations, each with one event that cannot go out yet.
    receiver.script(() => 503);
    const flows = await Promise.all(
      Array.from({ length: 32 }, () => acceptedConversation(client, deps, receiver.url('/shards'))),
    );
    for (const flow of flows) await flow.say('pending');
    await deliverFromStream(streamInsert(...flows.map((flow) => flow.conversationId)));
    receiver.script(() => 200);
    // Act
    const { Items = [] } = await deps.db.doc.send(new ScanCommand({ TableName: deps.db.tableName }));
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const shards = Array.from({ length: OUTBOX_SHARDS }, (_, shard) => shard);
    const duePartitions = shards.map(keys.duePartition);
    const counting = await counter.during(async () =>
      (await Promise.all(shards.map((shard) => realIndex.due(shard, later)))).flat(),
    );
    // Assess
    const ids = new Set(flows.map((flow) => keys.conversation(flow.conversationId).pk));
    const indexed = Items.filter((item) => ids.has(item.pk) && item.gsi1pk);
    expect(
      indexed.every((item) => item.sk === sortKeys.conversation && duePartitions.includes(item.gsi1pk)),
    ).toBe(true);
    expect(new Set(indexed.map((item) => item.gsi1pk)).size).toBeGreaterThanOrEqual(OUTBOX_SHARDS / 2);
    expect(counting.result).toEqual(expect.arrayContaining(flows.map((flow) => flow.conversationId)));
    expect(counting.requests.every((request) => request.command === 'Query')).toBe(true);
  });
});

describe('budgets', () => {
  it('does not let a hanging webhook hold another conversation of the same batch', async () => {
    // Prepare
    receiver.script((request) => (request.path === '/hang' ? 'hang' : 200));
    const hanging = await acceptedConversation(client, deps, receiver.url('/hang'));
    const healthy = await acceptedConversation(client, deps, receiver.url('/healthy'));
    await hanging.say('into the void');
    await healthy.say('hello');
    // Act
    await deliverFromStream(streamInsert(hanging.conversationId, healthy.conversationId));
    receiver.script(() => 200);
    // Assess: the healthy event was taken in before the hanging attempt timed out (1 s).
    const [hang] = onPath('/hang');
    const [ok] = onPath('/healthy');
    expect(ok?.answer).toBe(200);
    expect((ok?.at ?? Number.POSITIVE_INFINITY) - (hang?.at ?? 0)).toBeLessThan(1000);
  });

  it('publishes OutboxFailed even when the sweep itself fails, and only while some event is failed', async () => {
    // Prepare
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    const sweepWith = async (failed: number) => {
      const failingIndex = {
        ...realIndex,
        due: () => Promise.reject(new Error('index unavailable')),
        failedCount: () => Promise.resolve(failed),
      };
      deps.store.outbox = failingIndex;
      lines.length = 0;
      const outcome = await sweepHandler({}, { getRemainingTimeInMillis: () => 50_000 } as Context).catch(
        (error: Error) => error,
      );
      return { outcome, published: lines.join('').includes('"OutboxFailed"') };
    };
    // Act
    const withFailed = await sweepWith(2);
    const withNone = await sweepWith(0);
    process.stdout.write = write;
    deps.store.outbox = realIndex;
    // Assess: a metric CloudWatch would bill every hour is sent only when there is something to alarm on.
    expect(withFailed).toEqual({ outcome: expect.any(Error), published: true });
    expect(withNone).toEqual({ outcome: expect.any(Error), published: false });
  });
});
