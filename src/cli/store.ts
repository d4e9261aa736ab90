import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Wired } from '#deps';
import { CommandFailure } from './command.ts';

/** What `npm start` writes to `$DATA_DIR/local-stack.json`, as far as the command-line tool reads it. */
interface LocalStackFile {
  baseUrl?: string;
  dynamodbEndpoint?: string;
  tableName?: string;
  channelId?: string;
  operatorApiUrl?: string;
  agentApiUrl?: string;
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

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

export interface Store {
  /** The domain's dependencies, and the table's client that the command-line tool closes when done. */
  deps: Wired;
  /** The running local stack's base URL, when the command works on its store. */
  runningStackUrl?: string;
  close: () => Promise<void>;
}

export interface StoreFlags {
  table?: string;
  region?: string;
  endpoint?: string;
  dataDir: string;
  /** The command makes things, so a data directory that does not exist yet may be created. */
  creates: boolean;
}

/** Chooses the store: an explicit endpoint, real DynamoDB, the running `npm start`, or our own embedded one. */
export async function openStore(flags: StoreFlags): Promise<Store> {
  let endpoint = flags.endpoint || process.env.DYNAMODB_ENDPOINT || undefined;
  let table = flags.table || process.env.TABLE_NAME || undefined;
  const region = flags.region || process.env.AWS_REGION || undefined;
  let embedded: { close: () => Promise<void> } | undefined;
  let runningStackUrl: string | undefined;
  if (!endpoint && !table) {
    if (!flags.creates && !(await isDirectory(flags.dataDir))) {
      throw new CommandFailure(
        `error: no data directory ${flags.dataDir}: run npm start once to create it, or give --data-dir (DATA_DIR) of an existing one, or --table for a deployment`,
      );
    }
    const local = await readLocalStack(flags.dataDir);
    if (local?.dynamodbEndpoint && (await answers(local.dynamodbEndpoint))) {
      endpoint = local.dynamodbEndpoint;
      table = local.tableName;
      runningStackUrl = local.baseUrl;
    } else {
      const { startEmbeddedDynamoDb } = await import('#local/embedded-dynamodb.ts');
      const { keepDataDirPrivate } = await import('#local/private-dir.ts');
      await keepDataDirPrivate(flags.dataDir);
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
  const [{ depsFromConfig, ensureTableOf }, { loadConfig }, { managementApiSessions }] = await Promise.all([
    import('#deps'),
    import('#config'),
    import('#live/management-api.ts'),
  ]);
  const config = loadConfig();
  // Revoke and rotate-token close sockets in AWS too: the records say where, LIVE_MANAGEMENT_URL otherwise.
  const liveSessions = managementApiSessions({
    managementUrl: config.LIVE_MANAGEMENT_URL,
    region: config.AWS_REGION,
  });
  const deps = depsFromConfig(config, { liveSessions });
  if (embedded) await ensureTableOf(deps);
  return {
    deps,
    ...(runningStackUrl && { runningStackUrl }),
    close: async () => {
      deps.db.client.destroy();
      await embedded?.close();
    },
  };
}

/**
 * What the AWS SDK or the network says when a store cannot be used, as one line a person can act on;
 * undefined for anything else.
 */
export function storeProblem(error: unknown, flags: StoreFlags | undefined): string | undefined {
  const { name = '', message = '', code = '' } = error as { name?: string; message?: string; code?: string };
  const table = flags?.table || process.env.TABLE_NAME || 'the table';
  const region =
    flags?.region || process.env.AWS_REGION || 'us-east-1 (the default; set --region or AWS_REGION)';
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return `error: no AWS credentials to reach ${table}: sign in with aws sso login or aws configure, or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`;
  }
  if (['UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException'].includes(name)) {
    return `error: AWS refused the credentials (${name}): sign in again (aws sso login) or check AWS_PROFILE`;
  }
  if (name === 'AccessDeniedException') {
    return `error: these AWS credentials may not use ${table} (AccessDeniedException)`;
  }
  if (name === 'ResourceNotFoundException') {
    return `error: no table ${table} in ${region}: check --table (the TableName output of cdk deploy) and --region`;
  }
  const cause = (error as { cause?: { code?: string } }).cause?.code ?? code;
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT'].includes(cause)) {
    return `error: cannot reach DynamoDB (${cause}): check --endpoint, --region and the network`;
  }
  return undefined;
}
