import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Wired as Deps } from '#deps';
import { handler as deliverFromStream } from '../../functions/delivery/deliver-from-stream.ts';
import { inProcessClient as client, seedAgent, seedChannel } from '../support/clients.ts';
import { useEmbeddedStore } from '../support/embedded-store.ts';
import { acceptedConversation } from '../support/flows.ts';
import { streamInsert } from '../support/outbox-items.ts';
import { storeFaults } from '../support/store-faults.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * Lists page to the end (PRODUCT.md section 3), also when the store cuts a query page short the way
 * DynamoDB does at 1 MB (issue 16, finding 5): here every query is capped at a few items.
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
afterEach(() => faults.capQueryLimit(undefined));
afterAll(async () => {
  await receiver.close();
  await store.close();
});

describe('pages cut short by the store', () => {
  it('the transcript answers next while more remain, and paging reaches every message', async () => {
    // Prepare
    const flow = await acceptedConversation(client, deps, undefined);
    const sent: string[] = [];
    for (let i = 0; i < 12; i++) sent.push(await flow.say(`m${i}`));
    faults.capQueryLimit(3);
    // Act
    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const query = after ? `?after=${after}` : '';
      const reply = await client('GET', `${flow.path}/messages${query}`, undefined, flow.agent.auth);
      expect(reply.status).toBe(200);
      seen.push(
        ...reply.body.messages
          .filter((m: { from: string }) => m.from === 'agent')
          .map((m: { id: string }) => m.id),
      );
      after = reply.body.next;
      if (!after) break;
    }
    // Assess
    expect(seen).toEqual(sent);
  });

  it('the conversation list answers next while more remain, and paging reaches every conversation', async () => {
    // Prepare
    const { api, support } = await seedChannel(deps);
    const agent = await seedAgent(deps, [support.destinationId]);
    const opened: string[] = [];
    for (let i = 0; i < 7; i++) {
      const reply = await client('POST', `${api}/sendText`, { userId: `pager-${i}`, text: 'hi' });
      opened.push(reply.body.conversationId);
    }
    faults.capQueryLimit(2);
    // Act
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const query = cursor ? `&cursor=${cursor}` : '';
      const reply = await client(
        'GET',
        `/agent/conversations?destinationId=${support.destinationId}${query}`,
        undefined,
        agent.auth,
      );
      expect(reply.status).toBe(200);
      seen.push(...reply.body.conversations.map((c: { conversationId: string }) => c.conversationId));
      cursor = reply.body.next;
      if (!cursor) break;
    }
    // Assess
    expect(seen).toEqual(opened);
  });

  it('the deliverer reads past a short page instead of taking it for the end', async () => {
    // Prepare
    const flow = await acceptedConversation(client, deps, receiver.url('/paged'));
    const sent: string[] = [];
    for (let i = 0; i < 6; i++) sent.push(await flow.say(`d${i}`));
    faults.capQueryLimit(2);
    // Act
    await deliverFromStream(streamInsert(flow.conversationId));
    // Assess
    const delivered = receiver.accepted().filter((request) => request.path === '/paged');
    expect(delivered.map((request) => request.body.id)).toEqual(sent);
  });
});
