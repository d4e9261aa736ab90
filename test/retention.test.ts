import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Deps } from '#domain/deps.ts';
import { inProcessClient as client, seedAgent, seedChannel } from './support/clients.ts';
import { useEmbeddedStore } from './support/embedded-store.ts';

/** RETENTION_DAYS puts a DynamoDB TTL on every conversation item, renewed by each write. */
let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let deps: Deps;

beforeAll(async () => {
  process.env.RETENTION_DAYS = '30';
  store = await useEmbeddedStore();
  deps = store.deps;
});
afterAll(() => store.close());

it('stamps conversation items with expiresAt, RETENTION_DAYS after their last write', async () => {
  // Prepare
  const { api, support } = await seedChannel(deps);
  const agent = await seedAgent(deps, [support.destinationId]);
  // Act
  const opened = await client('POST', `${api}/sendText`, { userId: 'u-ttl', text: 'hi' });
  const path = `/agent/conversations/${opened.body.conversationId}`;
  await client('POST', `${path}/accept`, undefined, agent.auth);
  await client('POST', `${path}/messages`, { text: 'hello' }, { ...agent.auth, 'idempotency-key': 'k' });
  // Assess
  const { Items = [] } = await deps.db.doc.send(new ScanCommand({ TableName: deps.db.tableName }));
  const conversationItems = Items.filter((item) => item.pk === `CONV#${opened.body.conversationId}`);
  const thirtyDays = Date.now() / 1000 + 30 * 86_400;
  expect(conversationItems.map((item) => item.sk).sort()).toEqual(
    expect.arrayContaining(['META', 'IDEMPOTENCY#k', 'MSG#0000000001']),
  );
  for (const item of conversationItems) {
    expect(item.expiresAt, String(item.sk)).toBeGreaterThan(thirtyDays - 60);
    expect(item.expiresAt, String(item.sk)).toBeLessThanOrEqual(thirtyDays + 1);
  }
  const channels = Items.filter((item) => item.pk === 'CHANNELS');
  expect(channels.every((item) => item.expiresAt === undefined)).toBe(true);
});
