import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
// dynalite's own level database (its dependency), opened directly to make the state a kill -9 leaves.
import { Level } from 'level';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDynamoDb } from '#local/embedded-dynamodb.ts';
import { createDb, ensureTable } from '#store/table.ts';

/**
 * dynalite writes an item's index entries, then the item, as separate writes: a runtime killed between
 * them leaves an item without its entry, or an entry for a key the item no longer has. The embedded
 * store rebuilds its indexes at every start, so the local runtime heals such a state by itself.
 */

let dir: string;
const TABLE = 'repair';
const indexPrefix = `index-global~${TABLE}~byState~`;

async function withStore<T>(work: (db: ReturnType<typeof createDb>) => Promise<T>): Promise<T> {
  const store = await startEmbeddedDynamoDb(dir);
  const db = createDb({
    TABLE_NAME: TABLE,
    DYNAMODB_ENDPOINT: store.endpoint,
    AWS_REGION: 'us-east-1',
    RETENTION_DAYS: 0,
  });
  try {
    await ensureTable(db);
    return await work(db);
  } finally {
    db.client.destroy();
    await store.close();
  }
}

/** An index entry as dynalite stores it: the projected attributes, marshalled. */
type Entry = { conversationId: { S: string } };

/** The outbox index's entries, read from the level database itself (the store closed). */
async function indexEntries(): Promise<[string, Entry][]> {
  const level = new Level<string, Entry>(dir, { valueEncoding: 'json' });
  try {
    return await level.iterator({ gte: indexPrefix, lt: `${indexPrefix}\u007f` }).all();
  } finally {
    await level.close();
  }
}

const meta = (conversationId: string, due: string) => ({
  pk: `CONV#${conversationId}`,
  sk: 'META',
  conversationId,
  gsi1pk: 'OUTBOX#DUE#1',
  gsi1sk: `${due}#${conversationId}`,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'operator-bridge-repair-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the embedded store after a crash', () => {
  it('rebuilds its indexes at start: an item whose entry was lost is found again, an entry left for an old key is gone', async () => {
    // Prepare: two due conversations; then b's due time moves, as a delivery run's release moves it.
    await withStore(async (db) => {
      for (const item of [meta('cv_a', '2026-01-01T00:00:00.000Z'), meta('cv_b', '2026-01-01T00:00:01.000Z')])
        await db.doc.send(new PutCommand({ TableName: TABLE, Item: item }));
    });
    const [entryOfB] = (await indexEntries()).filter(([, value]) => value.conversationId.S === 'cv_b');
    await withStore((db) =>
      db.doc.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: { pk: 'CONV#cv_b', sk: 'META' },
          UpdateExpression: 'SET gsi1sk = :sk',
          ExpressionAttributeValues: { ':sk': '2026-01-01T00:00:09.000Z#cv_b' },
        }),
      ),
    );
    // The state kill -9 leaves: a's entry gone, b's old entry still there beside its new one.
    const level = new Level<string, Entry>(dir, { valueEncoding: 'json' });
    for (const [key, value] of await level.iterator({ gte: indexPrefix, lt: `${indexPrefix}\u007f` }).all()) {
      if (value.conversationId.S === 'cv_a') await level.del(key);
    }
    if (entryOfB) await level.put(entryOfB[0], entryOfB[1]);
    await level.close();
    const broken = await indexEntries();
    expect(broken.map(([, value]) => value.conversationId.S).sort()).toEqual(['cv_b', 'cv_b']);

    // Act: the runtime starts again on its data directory, and the sweep looks for due conversations.
    const due = await withStore(async (db) => {
      const { Items } = await db.doc.send(
        new QueryCommand({
          TableName: TABLE,
          IndexName: 'byState',
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :until',
          ExpressionAttributeValues: { ':pk': 'OUTBOX#DUE#1', ':until': '2026-01-02' },
        }),
      );
      return Items;
    });

    // Assess
    expect(due?.map((item) => [item.conversationId, item.gsi1sk])).toEqual([
      ['cv_a', '2026-01-01T00:00:00.000Z#cv_a'],
      ['cv_b', '2026-01-01T00:00:09.000Z#cv_b'],
    ]);
  });
});
