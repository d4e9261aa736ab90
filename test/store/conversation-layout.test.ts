import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Wired as Deps } from '#deps';
import { keys } from '#store/keys.ts';
import { inProcessClient as client, seedAgent, seedChannel } from '../support/clients.ts';
import { useEmbeddedStore } from '../support/embedded-store.ts';

/**
 * The conversation item is the point every write serialises on: it stays small whatever pre-chat data
 * DialogStudio sent, which lives on an item of its own (issue 16, finding 11).
 */
let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let deps: Deps;

beforeAll(async () => {
  store = await useEmbeddedStore();
  deps = store.deps;
});
afterAll(async () => store.close());

async function item(key: { pk: string; sk: string }) {
  const { Item } = await deps.db.doc.send(
    new GetCommand({ TableName: deps.db.tableName, Key: key, ConsistentRead: true }),
  );
  return Item;
}

const bigAttributes = Object.fromEntries(
  Array.from({ length: 120 }, (_, i) => [`field${i}`, 'x'.repeat(1000)]),
);

describe('pre-chat data on an item of its own', () => {
  it('keeps 120 KB of pre-chat data off the conversation item, and agents still see it', async () => {
    // Prepare
    const { api, support } = await seedChannel(deps);
    const agent = await seedAgent(deps, [support.destinationId]);
    const opened = await client('POST', `${api}/selectDestination`, {
      userId: 'big',
      destinationId: support.destinationId,
      attributes: bigAttributes,
      hiddenAttributes: { secret: 's3cr3t' },
    });
    const { conversationId } = opened.body;
    const path = `/agent/conversations/${conversationId}`;
    // Act
    const accepted = await client('POST', `${path}/accept`, undefined, agent.auth);
    const sent = await client('POST', `${path}/messages`, { text: 'hello' }, agent.auth);
    const listed = await client('GET', '/agent/conversations?status=active', undefined, agent.auth);
    // Assess
    expect(sent.status).toBe(202);
    const meta = await item(keys.conversation(conversationId));
    expect(JSON.stringify(meta).length).toBeLessThan(4096);
    expect(meta?.attributes).toBeUndefined();
    const prechat = await item(keys.prechat(conversationId));
    expect(prechat?.attributes).toEqual(bigAttributes);
    expect(accepted.body.attributes).toEqual(bigAttributes);
    const mine = listed.body.conversations.find(
      (c: { conversationId: string }) => c.conversationId === conversationId,
    );
    expect(mine.attributes).toEqual(bigAttributes);
    expect(JSON.stringify(listed.body)).not.toContain('s3cr3t');
  });

  it('replaces the pre-chat data when selectDestination brings new data, and keeps it when it brings none', async () => {
    // Prepare
    const { api, support, sales } = await seedChannel(deps);
    const agent = await seedAgent(deps, [support.destinationId, sales.destinationId]);
    const opened = await client('POST', `${api}/selectDestination`, {
      userId: 'mover',
      destinationId: support.destinationId,
      attributes: { plan: 'gold' },
    });
    const path = `/agent/conversations/${opened.body.conversationId}`;
    // Act
    await client('POST', `${api}/selectDestination`, {
      userId: 'mover',
      destinationId: sales.destinationId,
      customData: { order: 7 },
    });
    const moved = await client('POST', `${path}/accept`, undefined, agent.auth);
    await client('POST', `${api}/selectDestination`, { userId: 'mover', destinationId: sales.destinationId });
    const kept = await deps.store.conversations.get(opened.body.conversationId);
    // Assess
    expect(moved.body).toMatchObject({
      destinationId: sales.destinationId,
      attributes: {},
      customData: { order: 7 },
    });
    expect(kept).toMatchObject({ attributes: {}, customData: { order: 7 } });
  });
});
