import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Wired as Deps } from '#deps';
import type { Store } from '#domain/shared/store.ts';
import { keys, sortKeys } from '#store/keys.ts';
import { handler as deliverFromStream } from '../../functions/delivery/deliver-from-stream.ts';
import { inProcessClient as client, seedChannel } from '../support/clients.ts';
import { useEmbeddedStore } from '../support/embedded-store.ts';
import { acceptedConversation } from '../support/flows.ts';
import { streamInsert, transcriptItems } from '../support/outbox-items.ts';
import { storeFaults } from '../support/store-faults.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * The write path under the faults that lose or double a write (issue 16, findings 3 and 13): a write
 * that landed although its caller saw an error (the SDK then sends it again), and a crash or a late
 * put between a state change and its entry.
 */
let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let deps: Deps;
let faults: ReturnType<typeof storeFaults>;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  store = await useEmbeddedStore();
  deps = store.deps;
  faults = storeFaults(deps);
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver.close();
  await store.close();
});

const conversationUpdate = (request: { command: string; sk?: string }) =>
  request.command === 'UpdateItem' && request.sk === sortKeys.conversation;
const entryPut = (request: { command: string; sk?: string }) =>
  request.command === 'PutItem' && String(request.sk).startsWith(keys.messages('').skPrefix);

/** Replaces one port method for the length of `work`: a crash injected between two writes. */
async function withFault<P extends keyof Store, M extends keyof Store[P], T>(
  port: P,
  method: M,
  fault: Store[P][M],
  work: () => Promise<T>,
): Promise<T> {
  const original = deps.store[port][method];
  deps.store[port][method] = fault;
  try {
    return await work();
  } finally {
    deps.store[port][method] = original;
  }
}

/** Runs `work` with the clock `ms` ahead: a deliverer that comes after the gap grace. */
async function later<T>(ms: number, work: () => Promise<T>): Promise<T> {
  const realNow = deps.now;
  deps.now = () => new Date(realNow().getTime() + ms);
  try {
    return await work();
  } finally {
    deps.now = realNow;
  }
}

describe('a write that landed although its caller saw an error is stored once', () => {
  it('sendText whose conversation update landed, then failed and was retried by the SDK', async () => {
    // Prepare
    const { api } = await seedChannel(deps);
    const first = await client('POST', `${api}/sendText`, { userId: 'u13a', text: 'first' });
    // Act
    faults.landThenFail(conversationUpdate);
    const reply = await client('POST', `${api}/sendText`, { userId: 'u13a', text: 'once' });
    // Assess
    expect(faults.landed.length).toBeGreaterThan(0);
    expect(reply.status).toBe(200);
    const items = await transcriptItems(deps, first.body.conversationId);
    expect(items.filter((item) => item.text === 'once')).toHaveLength(1);
    // No number was taken twice: the numbers run without a hole.
    expect(items.map((item) => item.seq)).toEqual(items.map((_item, i) => i + 1));
    const conversation = await deps.store.conversations.get(first.body.conversationId);
    expect(conversation?.lastSeq).toBe(items.length);
  });

  it('sendText whose entry put landed, then failed and was retried by the SDK', async () => {
    // Prepare
    const { api } = await seedChannel(deps);
    const first = await client('POST', `${api}/sendText`, { userId: 'u13b', text: 'first' });
    // Act
    faults.landThenFail(entryPut);
    const reply = await client('POST', `${api}/sendText`, { userId: 'u13b', text: 'once' });
    // Assess
    expect(reply.status).toBe(200);
    const items = await transcriptItems(deps, first.body.conversationId);
    expect(items.filter((item) => item.text === 'once').map((item) => item.id)).toEqual([
      reply.body.messageId,
    ]);
  });

  it('an agent message with an Idempotency-Key whose entry put landed, then failed', async () => {
    // Prepare
    const flow = await acceptedConversation(client, deps, undefined);
    // Act
    faults.landThenFail(entryPut);
    const reply = await client(
      'POST',
      `${flow.path}/messages`,
      { text: 'keyed once' },
      { ...flow.agent.auth, 'idempotency-key': 'k-13' },
    );
    // Assess
    expect(reply.status).toBe(202);
    const items = await transcriptItems(deps, flow.conversationId);
    expect(items.filter((item) => item.text === 'keyed once').map((item) => item.id)).toEqual([
      reply.body.id,
    ]);
  });

  it("an agent's close whose conversation update landed, then failed: 200 to the request that closed it, and its Closed goes out", async () => {
    // Prepare
    const flow = await acceptedConversation(client, deps, receiver.url('/close13'));
    // Act
    faults.landThenFail(conversationUpdate);
    const closed = await client('POST', `${flow.path}/close`, undefined, flow.agent.auth);
    await deliverFromStream(streamInsert(flow.conversationId));
    // Assess
    expect(closed.status).toBe(200);
    const events = receiver.accepted().filter((request) => request.path === '/close13');
    expect(events.map((request) => request.body.type)).toEqual(['Closed']);
    expect(events[0]?.body.id).toBe(closed.body.eventId);
  });

  it("an event's failure whose counter update landed, then failed, is counted once", async () => {
    // Prepare: the agent's message is refused for good.
    receiver.script((request) => (request.path === '/refuses5' ? 400 : 200));
    const flow = await acceptedConversation(client, deps, receiver.url('/refuses5'));
    await flow.say('refused');
    const before = await deps.store.outbox.failedCount();
    // Act
    faults.landThenFail((request) => request.command === 'UpdateItem' && request.sk === 'FAILED');
    await deliverFromStream(streamInsert(flow.conversationId));
    receiver.script(() => 200);
    // Assess
    expect(faults.landed.some((request) => request.sk === 'FAILED')).toBe(true);
    expect(await deps.store.outbox.failedCount()).toBe(before + 1);
  });

  it('the first sendText of a user whose conversation creation landed, then failed', async () => {
    // Prepare
    const { api } = await seedChannel(deps);
    // Act
    faults.landThenFail((request) => request.command === 'PutItem' && request.sk === sortKeys.conversation);
    const reply = await client('POST', `${api}/sendText`, { userId: 'u13c', text: 'hello' });
    // Assess
    expect(reply.status).toBe(200);
    const items = await transcriptItems(deps, reply.body.conversationId);
    expect(items.map((item) => [item.seq, item.note ?? item.text])).toEqual([
      [1, 'opened'],
      [2, 'hello'],
    ]);
  });
});

describe('a state change and its entry cannot come apart', () => {
  const crash = async () => {
    throw new Error('crashed between the conversation update and the entry');
  };

  it("an agent's close that crashed before its entry: Closed still reaches DialogStudio and the note is listed", async () => {
    // Prepare
    const flow = await acceptedConversation(client, deps, receiver.url('/crash3'));
    await flow.say('before the close');
    // Act
    const closing = await withFault('transcript', 'put', crash, () =>
      client('POST', `${flow.path}/close`, undefined, flow.agent.auth),
    );
    await later(60_000, () => deliverFromStream(streamInsert(flow.conversationId)));
    // Assess
    expect(closing.status).toBe(500);
    const events = receiver.accepted().filter((request) => request.path === '/crash3');
    expect(events.map((request) => request.body.type)).toEqual(['TextMessage', 'Closed']);
    const messages = await client('GET', `${flow.path}/messages`, undefined, flow.agent.auth);
    expect(messages.body.messages.at(-1)).toMatchObject({ note: 'closed_by_agent' });
  });

  it('a transfer whose entry put arrives after the gap grace: nothing is lost, SelectDestination goes out once', async () => {
    // Prepare: the transfer's entry is held back until a deliverer has come past the grace.
    const flow = await acceptedConversation(client, deps, receiver.url('/late3'));
    const put = deps.store.transcript.put;
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reached: () => void = () => {};
    const putting = new Promise<void>((resolve) => {
      reached = resolve;
    });
    deps.store.transcript.put = async (entries) => {
      reached();
      await held;
      return put(entries);
    };
    // Act
    const transferring = client(
      'POST',
      `${flow.path}/transfer`,
      { destinationId: flow.sales.destinationId },
      flow.agent.auth,
    );
    await putting;
    deps.store.transcript.put = put;
    await later(60_000, () => deliverFromStream(streamInsert(flow.conversationId)));
    release();
    const transferred = await transferring;
    // Assess
    expect(transferred.status).toBe(200);
    const events = receiver.accepted().filter((request) => request.path === '/late3');
    expect(events.map((request) => request.body.type)).toEqual(['SelectDestination']);
    expect(events[0]?.body.id).toBe(transferred.body.eventId);
    const items = await transcriptItems(deps, flow.conversationId);
    expect(items.filter((item) => item.gap)).toEqual([]);
  });

  it("a client's close that crashed before its entry: the closing note is listed, read by an agent", async () => {
    // Prepare
    const flow = await acceptedConversation(client, deps, undefined);
    // Act
    const closing = await withFault('transcript', 'put', crash, () =>
      client('POST', `${flow.api}/closeChat`, { userId: 'client-1', text: 'bye' }),
    );
    const messages = await client('GET', `${flow.path}/messages`, undefined, flow.agent.auth);
    // Assess
    expect(closing.status).toBe(500);
    expect(messages.body.messages.at(-1)).toMatchObject({ note: 'closed_by_client', text: 'bye' });
  });
});
