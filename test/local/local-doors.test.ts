import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStackInfo } from '#local/stack.ts';
import { root } from '../support/clients.ts';

/**
 * The local runtime's doors (PRODUCT.md sections 1 and 4), tried from outside as another local user, a
 * web page or a channel's owner would: `npm start` in its own process, file modes, HTTP to its store.
 */
let scratch: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'operator-bridge-doors-'));
});
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(scratch, { recursive: true, force: true });
});

/** A port nothing listens on right now, so that the runtime's own port is known before it starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Running {
  child: ChildProcess;
  info: LocalStackInfo;
  base: string;
  stop: () => Promise<void>;
}

/** `npm start` with a person's environment plus `env`; resolves once the banner is out. */
async function startRuntime(dataDir: string, env: NodeJS.ProcessEnv): Promise<Running> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, ...env };
  for (const name of [
    'TABLE_NAME',
    'PUBLIC_URL',
    'ALLOW_PRIVATE_WEBHOOKS',
    'LIVE_URL',
    'DYNAMODB_ENDPOINT',
  ]) {
    if (!(name in env)) delete childEnv[name];
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/local/start.ts'], {
    cwd: root,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const found = /Operator Bridge is running on (\S+)/.exec(stdout);
      if (found?.[1] && stdout.includes('Stop with Ctrl+C')) {
        clearInterval(timer);
        resolve(found[1]);
      }
    }, 50);
    void exit.then(() => {
      clearInterval(timer);
      reject(new Error(`exited: ${stderr}`));
    });
  });
  const info = JSON.parse(await readFile(join(dataDir, 'local-stack.json'), 'utf8')) as LocalStackInfo;
  return {
    child,
    info,
    base,
    stop: async () => {
      child.kill('SIGTERM');
      await exit;
    },
  };
}

/** Every directory and file under `dir`, with its permission bits. */
async function modes(dir: string): Promise<{ path: string; mode: number; directory: boolean }[]> {
  const found = [{ path: dir, mode: (await stat(dir)).mode & 0o777, directory: true }];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    found.push({ path, mode: (await stat(path)).mode & 0o777, directory: entry.isDirectory() });
  }
  return found;
}

function setWebhook(running: Running, url: string) {
  return fetch(`${running.base}/operator/${running.info.channelToken}/setWebhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url }),
  });
}

/** A DynamoDB call as the AWS SDK makes it (the store checks no signature, only who may call it). */
function listTables(endpoint: string, headers: Record<string, string> = {}) {
  return fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.ListTables',
      authorization:
        'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00',
      'x-amz-date': '20260101T000000Z',
      ...headers,
    },
    body: '{}',
  });
}

describe('the local runtime while not exposed', () => {
  it('keeps DATA_DIR private, even one made world-readable before, and its store to the run', {
    timeout: 120_000,
  }, async () => {
    // Prepare: a data directory as an older version left it, world-readable.
    const dataDir = join(scratch, 'private');
    await mkdir(join(dataDir, 'dynamodb'), { recursive: true, mode: 0o755 });
    await writeFile(join(dataDir, 'local-stack.json'), '{}\n', { mode: 0o644 });
    await chmod(dataDir, 0o755);
    await chmod(join(dataDir, 'local-stack.json'), 0o644);
    const port = await freePort();

    // Act
    const running = await startRuntime(dataDir, { PORT: String(port) });
    const store = new URL(running.info.dynamodbEndpoint);
    const fromPage = await listTables(running.info.dynamodbEndpoint, { origin: 'https://evil.example' });
    const preflight = await fetch(running.info.dynamodbEndpoint, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    const withoutSecret = await listTables(`${store.origin}/`);
    const guessed = await listTables(`${store.origin}/${'A'.repeat(22)}`);
    const withSecret = await listTables(running.info.dynamodbEndpoint);
    const whileRunning = await modes(dataDir);
    await running.stop();

    // Assess
    expect([fromPage.status, preflight.status, withoutSecret.status, guessed.status]).toEqual([
      403, 403, 403, 403,
    ]);
    for (const answer of [fromPage, preflight]) {
      for (const name of ['allow-origin', 'allow-methods', 'allow-headers', 'max-age']) {
        expect(answer.headers.get(`access-control-${name}`)).toBeNull();
      }
    }
    expect(await fromPage.text()).not.toContain('TableNames');
    expect(withSecret.status).toBe(200);
    expect(((await withSecret.json()) as { TableNames: string[] }).TableNames).toContain(
      running.info.tableName,
    );
    expect(store.hostname).toBe('127.0.0.1');
    expect(whileRunning.filter((entry) => entry.directory && entry.mode !== 0o700)).toEqual([]);
    expect(whileRunning.filter((entry) => !entry.directory && entry.mode !== 0o600)).toEqual([]);
    expect(whileRunning.map((entry) => entry.path)).toEqual(
      expect.arrayContaining([join(dataDir, 'local-stack.json'), join(dataDir, 'runtime.lock')]),
    );
    expect(whileRunning.some((entry) => entry.path.startsWith(join(dataDir, 'dynamodb', '')))).toBe(true);
  });

  it('allows loopback webhooks but never its own port or its store’s, and names its own live URL', {
    timeout: 120_000,
  }, async () => {
    // Prepare
    const port = await freePort();
    const running = await startRuntime(join(scratch, 'loopback'), { PORT: String(port) });
    const storePort = new URL(running.info.dynamodbEndpoint).port;

    // Act
    const loopback = await setWebhook(running, 'http://127.0.0.1:9/hook');
    const ownPort = await setWebhook(running, `http://localhost:${port}/operator/x/sendText`);
    const storeDoor = await setWebhook(running, `http://127.0.0.1:${storePort}/`);
    const ticket = await fetch(`${running.base}/agent/live/ticket`, {
      method: 'POST',
      headers: { authorization: `Bearer ${running.info.agentToken}`, host: 'evil.example' },
    });
    const ticketBody = (await ticket.json()) as { url: string };
    await running.stop();

    // Assess
    expect(loopback.status).toBe(200);
    expect(loopback.headers.get('x-content-type-options')).toBe('nosniff');
    for (const refused of [ownPort, storeDoor]) {
      expect(refused.status).toBe(400);
      expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await refused.json()).toMatchObject({
        error: { code: 'invalid_webhook_url', issues: [{ path: 'url' }] },
      });
    }
    expect(ticket.status).toBe(200);
    expect(ticketBody.url).toBe(`ws://127.0.0.1:${port}/live`);
  });
});

describe('the local runtime once exposed', () => {
  it('refuses private and loopback webhooks behind PUBLIC_URL, and names the public live URL', {
    timeout: 120_000,
  }, async () => {
    // Prepare
    const running = await startRuntime(join(scratch, 'exposed'), {
      PORT: String(await freePort()),
      PUBLIC_URL: 'https://tunnel.example.com',
    });

    // Act
    const loopback = await setWebhook(running, 'http://127.0.0.1:9/hook');
    const lan = await setWebhook(running, 'http://192.168.1.20/hook');
    const ticket = await fetch(`${running.base}/agent/live/ticket`, {
      method: 'POST',
      headers: { authorization: `Bearer ${running.info.agentToken}` },
    });
    await running.stop();

    // Assess
    expect([loopback.status, lan.status]).toEqual([400, 400]);
    expect(await loopback.json()).toMatchObject({ error: { code: 'invalid_webhook_url' } });
    expect(((await ticket.json()) as { url: string }).url).toBe('wss://tunnel.example.com/live');
  });

  it('allows them when ALLOW_PRIVATE_WEBHOOKS=true says so, on every interface', {
    timeout: 120_000,
  }, async () => {
    // Prepare
    const running = await startRuntime(join(scratch, 'allowed'), {
      PORT: String(await freePort()),
      HOST: '0.0.0.0',
      ALLOW_PRIVATE_WEBHOOKS: 'true',
    });

    // Act
    const loopback = await setWebhook(running, 'http://127.0.0.1:9/hook');
    const metadata = await setWebhook(running, 'http://169.254.169.254/latest');
    await running.stop();

    // Assess
    expect(loopback.status).toBe(200);
    expect(metadata.status).toBe(400);
  });
});

describe('the command-line tool on a private data directory', () => {
  it('works on the data directory, keeping it private', { timeout: 120_000 }, async () => {
    // Prepare
    const dataDir = join(scratch, 'cli');
    await mkdir(dataDir, { mode: 0o755 });
    await chmod(dataDir, 0o755);

    // Act
    const result = await new Promise<{ code: number; stdout: string }>((resolve) => {
      const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
      delete env.DYNAMODB_ENDPOINT;
      delete env.TABLE_NAME;
      execFile(
        process.execPath,
        [join(root, 'bin/operator-bridge.js'), 'destination', 'create', '--id', 'doors', '--name', 'Doors'],
        { cwd: dataDir, env, timeout: 60_000 },
        (error, stdout) => resolve({ code: error ? 1 : 0, stdout }),
      );
    });
    const after = await modes(dataDir);

    // Assess
    expect(result.code).toBe(0);
    expect(after.filter((entry) => entry.directory && entry.mode !== 0o700)).toEqual([]);
    expect(after.filter((entry) => !entry.directory && entry.mode !== 0o600)).toEqual([]);
    expect(after.length).toBeGreaterThan(3);
  });
});
