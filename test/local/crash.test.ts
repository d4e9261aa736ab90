import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStackInfo } from '#local/stack.ts';
import { seedBodies } from '../cases/operator-api.cases.ts';
import { type Client, httpClient, root } from '../support/clients.ts';
import { testTableName } from '../support/embedded-store.ts';
import { expectSeedEventShapes } from '../support/flows.ts';
import { eventually, startWebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * `npm start` as a user runs it, in its own process: pending events survive a `kill -9` because
 * they live in the store, and the restarted runtime delivers them.
 */
let dataDir: string;
/** The same table across restarts; its own one when the run shares a DynamoDB Local. */
const tableName = testTableName('crash');
let port: number;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
const children: ChildProcess[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: found } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return found;
}

/** Starts the local runtime as one node process (no tsx wrapper, so SIGKILL hits the process that holds the data). */
async function startRuntime(): Promise<{ child: ChildProcess; info: LocalStackInfo }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/local/start.ts'], {
    cwd: root,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'SILENT',
      TABLE_NAME: tableName,
      DELIVERY_SCHEDULE_SECONDS: '0,0.2',
      DELIVERY_SWEEP_SECONDS: '0.1',
      DELIVERY_TIMEOUT_MS: '500',
      // A killed deliverer's lease runs out by itself; short here so that the test need not wait a minute.
      DELIVERY_LEASE_SECONDS: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  // Read, never kept: a pipe nobody reads blocks the child's writes once it is full.
  child.stderr?.resume();
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Operator Bridge is running')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`runtime exited with ${code}: ${output}`)));
  });
  const info = JSON.parse(await readFile(join(dataDir, 'local-stack.json'), 'utf8')) as LocalStackInfo;
  return { child, info };
}

function killed(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'operator-bridge-crash-'));
  port = await freePort();
  receiver = await startWebhookReceiver(() => 503);
});
afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) await killed(child, 'SIGTERM');
  }
  await receiver.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('crash and restart of the local runtime', () => {
  it('delivers every pending event after kill -9 and a restart, in order, with the ids it had', async () => {
    // Prepare: DialogStudio with the seed bodies, an agent through the Agent API, the webhook down.
    const first = await startRuntime();
    const client: Client = httpClient(`http://127.0.0.1:${port}`);
    const api = new URL(first.info.operatorApiUrl).pathname;
    const auth = { authorization: `Bearer ${first.info.agentToken}` };
    await client('POST', `${api}/setWebhook`, { url: receiver.url() });
    const opened = await client('POST', `${api}/selectDestination`, seedBodies.selectDestination);
    await client('POST', `${api}/sendText`, seedBodies.sendText);
    await client('POST', `${api}/sendFile`, seedBodies.sendFile);
    const path = `/agent/conversations/${opened.body.conversationId}`;
    await client('POST', `${path}/accept`, undefined, auth);
    await client('POST', `${path}/messages`, { text: 'Hello from a human' }, auth);
    await client(
      'POST',
      `${path}/messages`,
      { url: 'https://files.example.com/a.pdf', name: 'a.pdf', size: 10 },
      auth,
    );
    await client('POST', `${path}/transfer`, { destinationId: 'sales' }, auth);
    await client('POST', `${path}/close`, undefined, auth);
    await eventually(
      () => receiver.received,
      (list) => list.length >= 3,
    );
    // Act
    await killed(first.child, 'SIGKILL');
    const triedBeforeCrash = new Set(receiver.received.map((request) => request.body.id));
    receiver.script(() => 200);
    await startRuntime();
    // A bound on waiting, not on speed: the restarted runtime retries on its schedule, and on a loaded
    // machine its start alone can take seconds.
    const delivered = await eventually(
      () => receiver.accepted(),
      (list) => list.length >= 4,
      60_000,
    );
    // Assess
    const events = delivered.map((request) => request.body);
    expectSeedEventShapes(events);
    expect(new Set(events.map((event) => event.id)).size).toBe(4);
    for (const id of triedBeforeCrash) expect(events.map((event) => event.id)).toContain(id);
    expect(events.every((event) => event.userId === seedBodies.selectDestination.userId)).toBe(true);
    const transcript = await client('GET', `${path}/messages`, undefined, auth);
    const states = transcript.body.messages.filter((m: { delivery?: unknown }) => m.delivery);
    expect(states.map((m: { delivery: { status: string } }) => m.delivery.status)).toEqual(
      Array(4).fill('delivered'),
    );
  }, 120_000);
});
