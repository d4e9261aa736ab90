import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import dynaliteStore, { type LevelDatabase } from 'dynalite/db/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDynamoDb, startEmbeddedDynamoDb } from '#local/embedded-dynamodb.ts';

/** Every level iterator the store opens, and whether it was closed; read after the requests are answered. */
const iterators: { closed: boolean }[] = [];

function watchIterators(db: LevelDatabase) {
  for (const kind of ['values', 'keys'] as const) {
    const open = db[kind].bind(db);
    db[kind] = (options) => {
      const iterator = open(options) as AsyncIterable<unknown> & { close: () => Promise<void> };
      const record = { closed: false };
      iterators.push(record);
      const close = iterator.close.bind(iterator);
      iterator.close = () => {
        record.closed = true;
        return close();
      };
      return iterator;
    };
  }
}

let store: EmbeddedDynamoDb;
let doc: DynamoDBDocumentClient;
const TableName = 'iterators';

beforeAll(async () => {
  const create = dynaliteStore.create;
  dynaliteStore.create = (options) => {
    const created = create(options);
    watchIterators(created.db);
    return created;
  };
  try {
    store = await startEmbeddedDynamoDb();
  } finally {
    dynaliteStore.create = create;
  }
  const client = new DynamoDBClient({
    endpoint: store.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  doc = DynamoDBDocumentClient.from(client);
  await client.send(
    new CreateTableCommand({
      TableName,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  for (let i = 0; i < 30; i++) {
    await doc.send(new PutCommand({ TableName, Item: { pk: 'P', sk: `S${String(i).padStart(2, '0')}` } }));
  }
});
afterAll(() => store.close());

describe('the embedded store', () => {
  it('closes the iterator of every Query and Scan, read to the end or cut short by a Limit', async () => {
    // Prepare
    const before = iterators.length;

    // Act
    const all = await doc.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': 'P' },
      }),
    );
    const page = await doc.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': 'P' },
        Limit: 5,
      }),
    );
    const scanned = await doc.send(new ScanCommand({ TableName, Limit: 7 }));
    for (let i = 0; i < 20; i++) {
      await doc.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
          ExpressionAttributeValues: { ':p': 'P', ':s': 'S1' },
        }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Assess
    expect(all.Items).toHaveLength(30);
    expect(page.Items).toHaveLength(5);
    expect(page.LastEvaluatedKey).toEqual({ pk: 'P', sk: 'S04' });
    expect(scanned.Items).toHaveLength(7);
    const opened = iterators.slice(before);
    expect(opened.length).toBeGreaterThanOrEqual(23);
    expect(opened.filter((iterator) => !iterator.closed)).toEqual([]);
  });
});
