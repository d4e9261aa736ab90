import type { Deps } from '#domain/deps.ts';
import { startEmbeddedDynamoDb } from '#local/embedded-dynamodb.ts';
import { ensureTable } from '#store/table.ts';

/** An in-memory dynalite on a random port for this test file, reached through the real DynamoDB client. */
export async function useEmbeddedStore(): Promise<{ deps: Deps; close: () => Promise<void> }> {
  const store = await startEmbeddedDynamoDb();
  process.env.DYNAMODB_ENDPOINT = store.endpoint;
  process.env.TABLE_NAME = 'operator-bridge-test';
  process.env.ALLOW_PRIVATE_WEBHOOKS = 'true';
  const { defaultDeps } = await import('#deps');
  const deps = defaultDeps();
  await ensureTable(deps.db);
  return { deps, close: store.close };
}
