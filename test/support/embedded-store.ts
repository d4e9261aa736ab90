import { randomBytes } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { Wired } from '#deps';
import { startEmbeddedDynamoDb } from '#local/embedded-dynamodb.ts';
import { ensureTable } from '#store/table.ts';

/** A table of this test file's own, so that files can share one store (DynamoDB Local in `npm run test:dynamodb-local`). */
export function testTableName(label: string): string {
  return `operator-bridge-${label}-${randomBytes(4).toString('hex')}`;
}

/**
 * The store for this test file, reached through the real DynamoDB client: the run's DynamoDB Local when
 * `TEST_DYNAMODB_ENDPOINT` is set, else an in-memory dynalite on a random port.
 */
export async function useEmbeddedStore(): Promise<{ deps: Wired; close: () => Promise<void> }> {
  const shared = process.env.TEST_DYNAMODB_ENDPOINT;
  const store = shared ? undefined : await startEmbeddedDynamoDb();
  process.env.DYNAMODB_ENDPOINT = shared ?? store?.endpoint;
  process.env.TABLE_NAME = testTableName('test');
  process.env.ALLOW_PRIVATE_WEBHOOKS = 'true';
  const { defaultDeps } = await import('#deps');
  const deps = defaultDeps();
  await ensureTable(deps.db);
  const close = store
    ? store.close
    : async () => {
        await deps.db.client.send(new DeleteTableCommand({ TableName: deps.db.tableName }));
      };
  return { deps, close };
}
