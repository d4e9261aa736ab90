import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Wired } from '#deps';
import type { Store } from '#domain/shared/store.ts';
import { handler as deliverFromStream } from '../../functions/delivery/deliver-from-stream.ts';
import { inProcessClient as client, seedAgent, seedChannel } from '../support/clients.ts';
import { useEmbeddedStore } from '../support/embedded-store.ts';
import { acceptedConversation } from '../support/flows.ts';
import { streamInsert, transcriptItems } from '../support/outbox-items.ts';
import { countRequests } from '../support/request-counter.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * The write path under races, crashes and bursts, and what it costs in round trips. Nothing delivers
 * in the background here (the AWS path: only the delivery function, called as the stream would).
 */
let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let deps: Wired;
let counter: ReturnType<typeof countRequests>;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  store = await useEmbeddedStore();
  deps = store.deps;
  counter = countRequests(deps);
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver.close();
  await store.close();
});

/** Replaces one port method for the length of `work`: a crash or a fault injected between two writes. */
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

describe('write path', () => {
  it('stores a burst of 300 concurrent messages for one user once each, in one order, with no 5xx', async () => {
    // Prepare
    const { api } = await seedChannel(deps);
    // Act
    const replies = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        client('POST', `${api}/sendText`, { userId: 'burst', text: `m${i}` }),
      ),
    );
    // Assess
    expect(replies.map((reply) => reply.status).filter((status) => status !== 200)).toEqual([]);
    const conversationIds = new Set(replies.map((reply) => reply.body.conversationId));
    expect(conversationIds.size).toBe(1);
    const items = await transcriptItems(deps, [...conversationIds][0]);
    const texts = items.filter((item) => item.from === 'client').map((item) => item.text);
    expect(texts).toHaveLength(300);
    expect(new Set(texts).size).toBe(300);
    expect(items.map((item) => item.seq)).toEqual(items.map((_item, i) => i + 1));
  });

  it('never records an entry after Closed: a message racing a close lands before it or gets 409', async () => {
    for (let round = 0; round < 5; round++) {
      // Prepare
      const { path, agent, conversationId } = await acceptedConversation(client, deps, undefined);
      // Act
      const [closed, ...sent] = await Promise.all([
        client('POST', `${path}/close`, undefined, agent.auth),
        ...Array.from({ length: 8 }, (_, i) =>
          client('POST', `${path}/messages`, { text: `race ${i}` }, agent.auth),
        ),
      ]);
      // Assess
      expect(closed?.status).toBe(200);
      expect(sent.every((reply) => reply.status === 202 || reply.status === 409)).toBe(true);
      const items = await transcriptItems(deps, conversationId);
      const closedAt = items.findIndex((item) => item.note === 'closed_by_agent');
      expect(closedAt).toBe(items.length - 1);
      const stored = items.filter((item) => item.from === 'agent').map((item) => item.id);
      expect(stored.sort()).toEqual(
        sent
          .filter((reply) => reply.status === 202)
          .map((reply) => reply.body.id)
          .sort(),
      );
    }
  });

  it('heals a crash between closing and releasing the pointer: the next message opens a new conversation', async () => {
    // Prepare
    const { api, channel } = await seedChannel(deps);
    const first = await client('POST', `${api}/sendText`, { userId: 'crashy', text: 'hello' });
    const crash = async () => {
      throw new Error('crashed between the two writes');
    };
    // Act
    const closing = await withFault('conversations', 'releasePointer', crash, () =>
      client('POST', `${api}/closeChat`, { userId: 'crashy', text: 'bye' }),
    );
    const next = await client('POST', `${api}/sendText`, { userId: 'crashy', text: 'again' });
    // Assess
    expect(closing).toMatchObject({ status: 500 });
    expect(next.status).toBe(200);
    expect(next.body.conversationId).not.toBe(first.body.conversationId);
    const pointer = await deps.store.conversations.pointer(channel.channelId, 'crashy');
    expect(pointer?.conversationId).toBe(next.body.conversationId);
  });

  it('heals a crash between claiming the pointer and creating the conversation: the next request finishes the opening', async () => {
    // Prepare
    const { api } = await seedChannel(deps);
    const crash = async () => {
      throw new Error('crashed after the pointer');
    };
    // Act
    const interrupted = await withFault('conversations', 'create', crash, () =>
      client('POST', `${api}/selectDestination`, {
        userId: 'half',
        destinationId: 'x',
        attributes: { plan: 'gold' },
      }),
    );
    const next = await client('POST', `${api}/sendText`, { userId: 'half', text: 'anyone?' });
    // Assess
    expect(interrupted.status).toBe(500);
    expect(next.status).toBe(200);
    const conversation = await deps.store.conversations.get(next.body.conversationId);
    expect(conversation).toMatchObject({ status: 'waiting', attributes: { plan: 'gold' } });
  });

  it('gives a number whose writer never wrote up as a gap after a grace, and delivers what follows', async () => {
    // Prepare: an agent message takes number N and "crashes" before its entry is written.
    const flow = await acceptedConversation(client, deps, receiver.url('/gap'));
    const lost = async () => [] as number[];
    await withFault('transcript', 'put', lost, () => flow.say('never written'));
    const after = await flow.say('written');
    const realNow = deps.now;
    // Act: a deliverer runs once now (the gap is young) and once past the grace.
    await deliverFromStream(streamInsert(flow.conversationId));
    const beforeGrace = receiver.received.filter((request) => request.path === '/gap').length;
    deps.now = () => new Date(Date.now() + 60_000);
    try {
      await deliverFromStream(streamInsert(flow.conversationId));
    } finally {
      deps.now = realNow;
    }
    // Assess
    expect(beforeGrace).toBe(0);
    const delivered = receiver.accepted().filter((request) => request.path === '/gap');
    expect(delivered.map((request) => request.body.id)).toEqual([after]);
    const messages = await client('GET', `${flow.path}/messages`, undefined, flow.agent.auth);
    expect(messages.body.messages.map((message: { text?: string }) => message.text)).not.toContain(
      'never written',
    );
  });
});

describe('round trips, counted by SDK middleware', () => {
  it('sendText on an open conversation: ≤ 4 requests; the first one: ≤ 7', async () => {
    const { api } = await seedChannel(deps);
    const first = await counter.during(() =>
      client('POST', `${api}/sendText`, { userId: 'count', text: 'one' }),
    );
    const next = await counter.during(() =>
      client('POST', `${api}/sendText`, { userId: 'count', text: 'two' }),
    );
    expect(first.requests.length).toBeLessThanOrEqual(7);
    expect(next.requests.length).toBeLessThanOrEqual(4);
  });

  it('an agent message: ≤ 4 requests, ≤ 6 with an Idempotency-Key; its delivery: 5 plus the POST', async () => {
    const flow = await acceptedConversation(client, deps, receiver.url('/count'));
    await deliverFromStream(streamInsert(flow.conversationId));
    const plain = await counter.during(() => flow.say('plain'));
    const keyed = await counter.during(() =>
      client(
        'POST',
        `${flow.path}/messages`,
        { text: 'keyed' },
        { ...flow.agent.auth, 'idempotency-key': 'k-1' },
      ),
    );
    await deliverFromStream(streamInsert(flow.conversationId));
    await flow.say('to deliver');
    const delivery = await counter.during(() => deliverFromStream(streamInsert(flow.conversationId)));
    expect(plain.requests.length).toBeLessThanOrEqual(4);
    // The key is looked at only after a read shows the agent sees and holds the conversation (PRODUCT.md section 3).
    expect(keyed.requests.length).toBeLessThanOrEqual(6);
    // Lease, channel, entries, the event's state, release: the channel is read every time (no cache that
    // could post to a webhook setWebhook just replaced), one more than issue 8's target of 4.
    expect(delivery.requests.length).toBeLessThanOrEqual(5);
    expect(receiver.accepted().filter((request) => request.path === '/count')).toHaveLength(3);
  });
});

describe('an agent of another destination', () => {
  it('gets the same 404 for a conversation out of reach as for one that does not exist', async () => {
    const flow = await acceptedConversation(client, deps, undefined);
    const { support } = await seedChannel(deps);
    const stranger = await seedAgent(deps, [support.destinationId], 'Stranger');
    for (const action of ['accept', 'close']) {
      const outOfReach = await client('POST', `${flow.path}/${action}`, undefined, stranger.auth);
      const missing = await client(
        'POST',
        `/agent/conversations/cv_missing/${action}`,
        undefined,
        stranger.auth,
      );
      expect(outOfReach).toEqual(missing);
    }
  });
});
