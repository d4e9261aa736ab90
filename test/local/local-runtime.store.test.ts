import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDynamoDb, startEmbeddedDynamoDb } from '#local/embedded-dynamodb.ts';
import type { LocalStackInfo, startLocalStack } from '#local/stack.ts';
import { dynamoDirectory } from '#store/config-records.ts';
import { createDb } from '#store/table.ts';
import { testTableName } from '../support/embedded-store.ts';

/**
 * `npm start` with DYNAMODB_ENDPOINT (PRODUCT.md, section 4) runs on that store instead of the embedded
 * one. The other store is the run's DynamoDB Local (`npm run test:dynamodb-local`), else a dynalite of
 * this file's own.
 */
let other: EmbeddedDynamoDb;
let dataDir: string;
let stack: Awaited<ReturnType<typeof startLocalStack>>;
const tableName = testTableName('endpoint');

beforeAll(async () => {
  const shared = process.env.TEST_DYNAMODB_ENDPOINT;
  other = shared ? { endpoint: shared, close: async () => {} } : await startEmbeddedDynamoDb();
  // A data directory that does not exist yet, as on a first `npm start`.
  dataDir = join(await mkdtemp(join(tmpdir(), 'operator-bridge-endpoint-')), 'data');
  Object.assign(process.env, { DYNAMODB_ENDPOINT: other.endpoint, TABLE_NAME: tableName });
  const { startLocalStack } = await import('#local/stack.ts');
  stack = await startLocalStack({
    dataDir,
    port: 0,
    host: '127.0.0.1',
    root: join(import.meta.dirname, '../..'),
  });
});
afterAll(async () => {
  await stack.close();
  await other.close();
  await rm(join(dataDir, '..'), { recursive: true, force: true });
});

describe('the local runtime on the store at DYNAMODB_ENDPOINT', () => {
  it('creates and seeds its table there, starts no embedded store, and records the endpoint', async () => {
    // Prepare
    const db = createDb({
      TABLE_NAME: tableName,
      DYNAMODB_ENDPOINT: other.endpoint,
      AWS_REGION: 'us-east-1',
      RETENTION_DAYS: 0,
    });
    // Act
    const info = JSON.parse(await readFile(join(dataDir, 'local-stack.json'), 'utf8')) as LocalStackInfo;
    const destinations = await fetch(`${info.operatorApiUrl}/getDestinations`);
    // Assess
    expect(info).toMatchObject({ dynamodbEndpoint: other.endpoint, tableName });
    expect(existsSync(join(dataDir, 'dynamodb'))).toBe(false);
    expect(await dynamoDirectory(db).channels.get(info.channelId)).toMatchObject({
      channelId: info.channelId,
    });
    expect(destinations.status).toBe(200);
    expect(await destinations.json()).toMatchObject({ destinations: expect.any(Array) });
  });
});
