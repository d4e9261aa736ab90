/**
 * `npm run bench` (soak): the local runtime's memory over many requests, as `npm start` runs it (the
 * embedded store persisted on disk, the delivery loop sweeping). A mix of Operator and Agent API
 * requests, one write in ten; the heap is measured after a forced collection at each checkpoint, next
 * to the bytes the store holds on disk, so that growth can be set against the data that was stored.
 * No thresholds: the numbers are for reading. SOAK_REQUESTS (default 50000) sets the length,
 * SOAK_STORE=memory runs on the in-memory store, where stored data does live on the heap.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const total = Number(process.env.SOAK_REQUESTS ?? 50_000);
const checkpoints = [...new Set([...[1_000, 10_000, 50_000].filter((n) => n < total), total])];
const onDisk = process.env.SOAK_STORE !== 'memory';
process.env.LOG_LEVEL = 'SILENT';
process.env.TABLE_NAME = 'operator-bridge-soak';
const { startLocalStack } = await import('#local/stack.ts');
const { root } = await import('../test/support/clients.ts');

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const dataDir = await mkdtemp(join(tmpdir(), 'operator-bridge-soak-'));
const stack = await startLocalStack({ ...(onDisk && { dataDir }), port: 0, host: '127.0.0.1', root });
const { operatorApiUrl, agentToken } = stack.info;
const operatorPath = new URL(operatorApiUrl).pathname;
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

function call(method: string, path: string, body?: object, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      `${stack.baseUrl}${path}`,
      { method, agent, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject).end(body && JSON.stringify(body));
  });
}

const auth = { authorization: `Bearer ${agentToken}` };
const users = 100;
const conversationIds: string[] = [];
for (let user = 0; user < users; user++) {
  const opened = await call('POST', `${operatorPath}/selectDestination`, {
    userId: `soak-${user}`,
    destinationId: 'support',
    userName: `Soak ${user}`,
  });
  conversationIds.push(JSON.parse(opened.text).conversationId);
}

/** Request `i` of the mix: reads of every kind, and one client message in ten (the only growth in data). */
function nth(i: number) {
  const user = i % users;
  switch (i % 10) {
    case 0:
      return call('POST', `${operatorPath}/sendText`, { userId: `soak-${user}`, text: `message ${i}` });
    case 1:
    case 2:
      return call('GET', `${operatorPath}/getDestinations`);
    case 3:
      return call('GET', '/agent/me', undefined, auth);
    case 4:
      return call('PUT', '/agent/me/presence', { online: true }, auth);
    case 5:
    case 6:
      return call('GET', '/agent/conversations?status=waiting', undefined, auth);
    default:
      return call('GET', `/agent/conversations/${conversationIds[user]}/messages`, undefined, auth);
  }
}

async function bytesOnDisk(dir: string): Promise<number> {
  let sum = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) sum += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return sum;
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

async function measure(requests: number, seconds: number) {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 100));
  gc();
  const memory = process.memoryUsage();
  return {
    requests,
    seconds: Math.round(seconds),
    'rss MiB': mib(memory.rss),
    'heap MiB': mib(memory.heapUsed),
    'heap reserved MiB': mib(memory.heapTotal),
    'external MiB': mib(memory.external),
    'store on disk MiB': onDisk ? mib(await bytesOnDisk(dataDir)) : '-',
    heapUsed: memory.heapUsed,
  };
}

const started = performance.now();
const rows: Awaited<ReturnType<typeof measure>>[] = [];
let failures = 0;
let done = 0;
const parallel = 4;
for (const checkpoint of checkpoints) {
  while (done < checkpoint) {
    const batch = Array.from({ length: Math.min(parallel, checkpoint - done) }, (_, k) => nth(done + k));
    for (const { status } of await Promise.all(batch)) if (status >= 300) failures++;
    done += batch.length;
  }
  rows.push(await measure(done, (performance.now() - started) / 1000));
}

const [first, ...rest] = rows;
console.log(
  `Operator Bridge soak: ${total} requests on the local runtime (${onDisk ? 'store on disk, as npm start' : 'in-memory store'}), 1 write in 10, ${failures} non-2xx`,
);
console.table(rows.map(({ heapUsed: _heap, ...row }) => row));
if (first) {
  for (const row of rest) {
    const perRequest = (row.heapUsed - first.heapUsed) / (row.requests - first.requests);
    console.log(
      `heap growth from ${first.requests} to ${row.requests} requests: ${perRequest.toFixed(0)} bytes per request`,
    );
  }
}

await stack.close();
agent.destroy();
await rm(dataDir, { recursive: true, force: true });
