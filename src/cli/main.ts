import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Deps } from '#domain/deps.ts';
import { AppError } from '#domain/errors.ts';

const usage = `Usage: operator-bridge <command> [options]

Commands:
  channel create --name N --default-destination D [--base-url U]
  channel list
  channel rotate-token <channelId> [--base-url U]
  channel url <channelId>
  destination create --name N [--id ID]
  destination list
  destination rename <id> --name N
  destination remove <id>

Global options:
  --table T        DynamoDB table (env TABLE_NAME); without --endpoint, uses AWS
  --region R       AWS region (env AWS_REGION)
  --endpoint U     DynamoDB endpoint (env DYNAMODB_ENDPOINT)
  --data-dir D     local data directory (env DATA_DIR, default .data)
  --json           machine-readable output
  -h, --help       show this help

Base URL default: env OPERATOR_BRIDGE_URL, else http://localhost:3000.
`;

class UsageError extends Error {}

interface LocalStackFile {
  dynamodbEndpoint?: string;
  tableName?: string;
  channelId?: string;
  operatorApiUrl?: string;
}

async function readLocalStack(dataDir: string): Promise<LocalStackFile | undefined> {
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

interface Store {
  deps: Deps;
  close: () => Promise<void>;
}

/** Chooses the store: an explicit endpoint, real DynamoDB, the running `npm start`, or our own embedded one. */
async function openStore(flags: { table?: string; region?: string; endpoint?: string; dataDir: string }) {
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
  if (endpoint) process.env.DYNAMODB_ENDPOINT = endpoint;
  else delete process.env.DYNAMODB_ENDPOINT;
  if (table) process.env.TABLE_NAME = table;
  else delete process.env.TABLE_NAME;
  if (region) process.env.AWS_REGION = region;
  const { defaultDeps } = await import('#deps');
  const deps = defaultDeps();
  if (embedded) {
    const { ensureTable } = await import('#store/table.ts');
    await ensureTable(deps.db);
  }
  const store: Store = {
    deps,
    close: async () => {
      deps.db.client.destroy();
      await embedded?.close();
    },
  };
  return store;
}

function need(value: string | undefined, what: string): string {
  if (value === undefined || value === '') throw new UsageError(`missing ${what}`);
  return value;
}

function print(json: boolean, data: unknown, text: string) {
  process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${text}\n`);
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      table: { type: 'string' },
      region: { type: 'string' },
      endpoint: { type: 'string' },
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      name: { type: 'string' },
      id: { type: 'string' },
      'default-destination': { type: 'string' },
      'base-url': { type: 'string' },
    },
  });
  if (values.help || positionals.length === 0) {
    process.stdout.write(usage);
    return 0;
  }
  const [group, command, target, ...extra] = positionals;
  const known: Record<string, string[]> = {
    channel: ['create', 'list', 'rotate-token', 'url'],
    destination: ['create', 'list', 'rename', 'remove'],
  };
  if (!group || !command || !known[group]?.includes(command)) {
    throw new UsageError(`unknown command: ${positionals.join(' ')}`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const takesTarget = ['rotate-token', 'url', 'rename', 'remove'].includes(command);
  if (takesTarget) need(target, group === 'channel' ? '<channelId>' : '<id>');
  else if (target !== undefined) throw new UsageError(`unexpected argument: ${target}`);

  const json = values.json ?? false;
  const dataDir = values['data-dir'] || process.env.DATA_DIR || '.data';
  const baseUrl = values['base-url'] || process.env.OPERATOR_BRIDGE_URL || 'http://localhost:3000';

  if (group === 'channel' && command === 'url') {
    const channelId = target as string;
    const local = await readLocalStack(dataDir);
    if (local?.channelId === channelId && local.operatorApiUrl) {
      print(json, { channelId, operatorApiUrl: local.operatorApiUrl }, local.operatorApiUrl);
      return 0;
    }
    process.stderr.write(
      `The token of channel ${channelId} is stored hashed, so its Operator API URL cannot be recovered.\n` +
        `Issue a new one with: operator-bridge channel rotate-token ${channelId}\n`,
    );
    return 1;
  }

  if (group === 'channel' && command === 'create') {
    need(values.name, '--name');
    need(values['default-destination'], '--default-destination');
  }
  if (group === 'destination' && (command === 'create' || command === 'rename')) need(values.name, '--name');

  const admin = await import('#domain/admin.ts');
  const store = await openStore({
    table: values.table,
    region: values.region,
    endpoint: values.endpoint,
    dataDir,
  });
  const { deps } = store;
  try {
    if (group === 'channel') {
      if (command === 'create') {
        const { channel, token } = await admin.createChannel(deps, {
          name: values.name as string,
          defaultDestinationId: values['default-destination'] as string,
        });
        const url = admin.operatorApiUrl(baseUrl, token);
        print(
          json,
          { channelId: channel.channelId, operatorApiUrl: url },
          `Channel: ${channel.channelId}\nOperator API URL: ${url}\n` +
            '(shown only now: the token is stored hashed; use rotate-token to get a new one)',
        );
      } else if (command === 'list') {
        const channels = await admin.listChannels(deps);
        print(
          json,
          channels,
          channels.length === 0
            ? 'No channels'
            : channels
                .map((c) => `${c.channelId}\t${c.name}\tdefault destination: ${c.defaultDestinationId}`)
                .join('\n'),
        );
      } else if (command === 'rotate-token') {
        const channelId = target as string;
        const { token } = await admin.rotateChannelToken(deps, channelId);
        const url = admin.operatorApiUrl(baseUrl, token);
        print(
          json,
          { channelId, operatorApiUrl: url },
          `New Operator API URL: ${url}\n(the old URL no longer works)`,
        );
      }
    } else {
      if (command === 'create') {
        const destination = await admin.createDestination(deps, {
          name: values.name as string,
          ...(values.id !== undefined && { destinationId: values.id }),
        });
        print(json, destination, `Destination: ${destination.destinationId}\t${destination.name}`);
      } else if (command === 'list') {
        const destinations = await admin.listDestinations(deps);
        print(
          json,
          destinations,
          destinations.length === 0
            ? 'No destinations'
            : destinations.map((d) => `${d.destinationId}\t${d.name}`).join('\n'),
        );
      } else if (command === 'rename') {
        await admin.renameDestination(deps, target as string, values.name as string);
        print(json, { destinationId: target, name: values.name }, `Renamed ${target} to ${values.name}`);
      } else if (command === 'remove') {
        await admin.removeDestination(deps, target as string);
        print(json, { destinationId: target, removed: true }, `Removed ${target}`);
      }
    }
  } finally {
    await store.close();
  }
  return 0;
}

async function main() {
  let code: number;
  try {
    code = await run(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`error: ${(error as Error).message}\n\n${usage}`);
      code = 2;
    } else if (error instanceof AppError) {
      process.stderr.write(`error: ${error.message} (${error.code})\n`);
      code = 1;
    } else {
      process.stderr.write(`error: ${(error as Error).stack ?? String(error)}\n`);
      code = 1;
    }
  }
  process.exit(code);
}

await main();
