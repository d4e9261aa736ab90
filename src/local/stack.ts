import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { withoutTrailingSlashes } from '#domain/shared/base-url.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { startDeliveryLoop } from '#local/delivery-loop.ts';
import { startEmbeddedDynamoDb } from '#local/embedded-dynamodb.ts';
import { lambdaRequestListener } from '#local/lambda-http.ts';
import { startLiveSocket } from '#local/live-socket.ts';
import { createAgent } from '#use-cases/admin/create-agent.ts';
import { createChannel } from '#use-cases/admin/create-channel.ts';
import { createDestination } from '#use-cases/admin/create-destination.ts';
import { rotateAgentToken } from '#use-cases/admin/rotate-agent-token.ts';
import { rotateChannelToken } from '#use-cases/admin/rotate-channel-token.ts';
import { agentApiUrl, consoleUrl, operatorApiUrl } from '#use-cases/admin/urls.ts';

export interface LocalStackOptions {
  /** Where the store and `local-stack.json` live; in memory (and no file) when undefined. */
  dataDir?: string;
  port: number;
  host: string;
  /** The project root, where the handler modules of the route table are. */
  root: string;
  /** The address DialogStudio and agents reach (a tunnel, a reverse proxy); the listening address otherwise. */
  publicUrl?: string;
}

/** What `npm start` prints and writes to `$DATA_DIR/local-stack.json`. */
export interface LocalStackInfo {
  /** The base of every URL here: `PUBLIC_URL`, or the address the runtime listens on. */
  baseUrl: string;
  operatorApiUrl: string;
  agentApiUrl: string;
  consoleUrl: string;
  agentToken: string;
  employeeId: string;
  channelId: string;
  channelToken: string;
  dynamodbEndpoint: string;
  tableName: string;
}

interface Seed {
  channelId: string;
  channelToken: string;
  employeeId: string;
  agentToken: string;
}

async function readSeed(file: string | undefined): Promise<Partial<Seed> | undefined> {
  if (!file) return undefined;
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Partial<Seed>;
  } catch {
    return undefined;
  }
}

async function seedChannel(deps: Deps, remembered: Partial<Seed> | undefined) {
  if (
    remembered?.channelId &&
    remembered.channelToken &&
    (await deps.store.directory.channels.get(remembered.channelId))
  ) {
    return { channelId: remembered.channelId, channelToken: remembered.channelToken };
  }
  const existing = (await deps.store.directory.channels.list())[0];
  if (existing) {
    const { token } = await rotateChannelToken(deps, existing.channelId);
    return { channelId: existing.channelId, channelToken: token };
  }
  await createDestination(deps, { destinationId: 'support', name: 'Support' });
  await createDestination(deps, { destinationId: 'sales', name: 'Sales' });
  const { channel, token } = await createChannel(deps, { name: 'Local', defaultDestinationId: 'support' });
  return { channelId: channel.channelId, channelToken: token };
}

async function seedAgent(deps: Deps, remembered: Partial<Seed> | undefined) {
  if (
    remembered?.employeeId &&
    remembered.agentToken &&
    (await deps.store.directory.agents.get(remembered.employeeId))
  ) {
    return { employeeId: remembered.employeeId, agentToken: remembered.agentToken };
  }
  const existing = (await deps.store.directory.agents.list())[0];
  if (existing) {
    const { token } = await rotateAgentToken(deps, existing.employeeId);
    return { employeeId: existing.employeeId, agentToken: token };
  }
  const { agent, token } = await createAgent(deps, {
    employeeId: 'agent-1',
    firstName: 'Local',
    lastName: 'Agent',
    // Every destination of the store: `support` and `sales` on first start, whatever is there on an older one.
    destinations: (await deps.store.directory.destinations.list()).map(
      (destination) => destination.destinationId,
    ),
  });
  return { employeeId: agent.employeeId, agentToken: token };
}

/**
 * First start: two destinations, a default channel and one agent. Later starts reuse what
 * `local-stack.json` remembers, so URLs and tokens survive restarts; if the file was lost, the
 * channel and the agent get fresh tokens (only hashes are stored).
 */
async function seed(deps: Deps, remembered: Partial<Seed> | undefined): Promise<Seed> {
  return { ...(await seedChannel(deps, remembered)), ...(await seedAgent(deps, remembered)) };
}

/** The port a URL reaches, its scheme's default when it names none. */
function portOf(url: string): string {
  const parsed = new URL(url);
  return parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
}

/**
 * The whole product on one machine: dynalite (or the store at DYNAMODB_ENDPOINT) as the table, every
 * route of the route table on one port, served by the same handlers as in AWS.
 */
export async function startLocalStack(options: LocalStackOptions) {
  // DYNAMODB_ENDPOINT: another DynamoDB-compatible store (DynamoDB Local, for one) instead of the embedded one.
  const external = process.env.DYNAMODB_ENDPOINT;
  const dbDir = !external && options.dataDir ? join(options.dataDir, 'dynamodb') : undefined;
  const dir = dbDir ?? options.dataDir;
  if (dir) await mkdir(dir, { recursive: true });
  const dynamo = external
    ? { endpoint: external, close: async () => {} }
    : await startEmbeddedDynamoDb(dbDir);
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  // Webhooks never reach the store (start.ts adds the runtime's own port).
  process.env.WEBHOOK_REFUSED_LOCAL_PORTS = [process.env.WEBHOOK_REFUSED_LOCAL_PORTS, portOf(dynamo.endpoint)]
    .filter(Boolean)
    .join(',');
  process.env.TABLE_NAME ??= 'operator-bridge';
  process.env.ALLOW_PRIVATE_WEBHOOKS ??= 'true';
  const { defaultDeps, ensureTableOf } = await import('#deps');
  const deps = defaultDeps();
  await ensureTableOf(deps);

  const api = lambdaRequestListener(options.root);
  const server = createServer((request, response) => void api(request, response));
  const live = startLiveSocket(server, options.root, deps);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  const baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const infoFile = options.dataDir && join(options.dataDir, 'local-stack.json');
  const seeded = await seed(deps, await readSeed(infoFile));
  const publicBase = options.publicUrl === undefined ? baseUrl : withoutTrailingSlashes(options.publicUrl);
  const info: LocalStackInfo = {
    baseUrl: publicBase,
    operatorApiUrl: operatorApiUrl(publicBase, seeded.channelToken),
    agentApiUrl: agentApiUrl(publicBase),
    consoleUrl: consoleUrl(publicBase, seeded.agentToken),
    agentToken: seeded.agentToken,
    employeeId: seeded.employeeId,
    channelId: seeded.channelId,
    channelToken: seeded.channelToken,
    dynamodbEndpoint: dynamo.endpoint,
    tableName: deps.db.tableName,
  };
  if (infoFile) await writeFile(infoFile, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  const delivery = startDeliveryLoop(deps);

  return {
    baseUrl,
    info,
    deps,
    close: async () => {
      await live.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await delivery.stop();
      await dynamo.close();
    },
  };
}
