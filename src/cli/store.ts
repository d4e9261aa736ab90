import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Deps } from '#domain/deps.ts';

/** What `npm start` writes to `$DATA_DIR/local-stack.json`, as far as the command-line tool reads it. */
interface LocalStackFile {
  dynamodbEndpoint?: string;
  tableName?: string;
  channelId?: string;
  operatorApiUrl?: string;
}

export async function readLocalStack(dataDir: string): Promise<LocalStackFile | undefined> {
  try {
    return JSON.parse(await readFile(join(dataDir, 'local-stack.json'), 'utf8')) as LocalStackFile;
  } catch {
    return undefined;
  }
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

export interface Store {
  deps: Deps;
  close: () => Promise<void>;
}

export interface StoreFlags {
  table?: string;
  region?: string;
  endpoint?: string;
  dataDir: string;
}

/** Chooses the store: an explicit endpoint, real DynamoDB, the running `npm start`, or our own embedded one. */
export async function openStore(flags: StoreFlags): Promise<Store> {
  let endpoint = flags.endpoint || process.env.DYNAMODB_ENDPOINT || undefined;
  let table = flags.table || process.env.TABLE_NAME || undefined;
  const region = flags.region || process.env.AWS_REGION || undefined;
  let embedded: { close: () => Promise<void> } | undefined;
  if (!endpoint && !table) {
    const local = await readLocalStack(flags.dataDir);
    if (local?.dynamodbEndpoint && (await answers(local.dynamodbEndpoint))) {
      endpoint = local.dynamodbEndpoint;
      table = local.tableName;
    } else {
      const { startEmbeddedDynamoDb } = await import('#local/embedded-dynamodb.ts');
      const dir = join(flags.dataDir, 'dynamodb');
      await mkdir(dir, { recursive: true });
      const started = await startEmbeddedDynamoDb(dir);
      endpoint = started.endpoint;
      table = local?.tableName;
      embedded = started;
    }
  }
  if (endpoint) {
    process.env.DYNAMODB_ENDPOINT = endpoint;
    // A local store goes with the local runtime's webhook policy, which lets webhooks reach loopback.
    process.env.ALLOW_PRIVATE_WEBHOOKS ??= 'true';
  } else delete process.env.DYNAMODB_ENDPOINT;
  if (table) process.env.TABLE_NAME = table;
  else delete process.env.TABLE_NAME;
  if (region) process.env.AWS_REGION = region;
  const { defaultDeps } = await import('#deps');
  const deps = defaultDeps();
  if (embedded) {
    const { ensureTable } = await import('#store/table.ts');
    await ensureTable(deps.db);
  }
  return {
    deps,
    close: async () => {
      deps.db.client.destroy();
      await embedded?.close();
    },
  };
}
