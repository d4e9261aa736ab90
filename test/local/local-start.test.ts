import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStackInfo } from '#local/stack.ts';
import { root } from '../support/clients.ts';

/** `npm start` as a person runs it: its own process, their environment, one line for each common mistake. */
let scratch: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'operator-bridge-start-'));
});
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(scratch, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Starts the runtime with a person's environment: no test settings for the log level or the SDK notice. */
function start(command: string[], env: NodeJS.ProcessEnv): Started {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: '0', ...env };
  for (const name of [
    'LOG_LEVEL',
    'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
    'TABLE_NAME',
    'PUBLIC_URL',
  ]) {
    if (!(name in env)) delete childEnv[name];
  }
  const [program = 'node', ...args] = command;
  const child = spawn(program, args, { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

const runtime = [process.execPath, '--import', 'tsx', 'src/local/start.ts'];

/** Resolves with the listening address once the banner is out; rejects if the process ends first. */
async function running(started: Started): Promise<string> {
  return await new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const found = /Operator Bridge is running on (\S+)/.exec(started.stdout());
      if (found?.[1] && started.stdout().includes('Stop with Ctrl+C')) {
        clearInterval(timer);
        resolve(found[1]);
      }
    }, 50);
    void started.exit.then((code) => {
      clearInterval(timer);
      reject(new Error(`exited with ${code}: ${started.stderr()}`));
    });
  });
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid as number;
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

describe('npm start', () => {
  it('prints and writes PUBLIC_URL, keeps the terminal clean, and stops on SIGTERM to npm', {
    timeout: 120_000,
  }, async () => {
    // Prepare
    const dataDir = join(scratch, 'public');
    const started = start(['npm', 'start', '--silent'], {
      DATA_DIR: dataDir,
      PUBLIC_URL: 'https://tunnel.example.com/',
    });
    const listening = await running(started);

    // Act
    const info = JSON.parse(await readFile(join(dataDir, 'local-stack.json'), 'utf8')) as LocalStackInfo;
    const destinations = await fetch(`${listening}/operator/${info.channelToken}/getDestinations`);
    const refused = await fetch(`${listening}/operator/${info.channelToken}/sendText`, {
      method: 'POST',
      body: '{',
    });
    const lockWhileRunning = await exists(join(dataDir, 'runtime.lock'));
    started.child.kill('SIGTERM');
    const code = await started.exit;

    // Assess
    expect(info.operatorApiUrl).toBe(`https://tunnel.example.com/operator/${info.channelToken}`);
    expect(info.consoleUrl.startsWith('https://tunnel.example.com/console/#token=')).toBe(true);
    expect(started.stdout()).toContain(`    https://tunnel.example.com/operator/${info.channelToken}`);
    expect(started.stdout()).not.toContain(`${listening}/operator/`);
    expect([destinations.status, refused.status]).toEqual([200, 400]);
    // WARN by default: neither request nor refusal prints a line, and no AWS SDK notice either.
    expect(started.stderr()).toBe('');
    expect(started.stdout()).not.toContain('"level"');
    expect(lockWhileRunning).toBe(true);
    expect(code).toBe(0);
    await expect(fetch(`${listening}/openapi.json`)).rejects.toThrow();
    expect(await exists(join(dataDir, 'runtime.lock'))).toBe(false);
  });

  it('refuses a second runtime on the same data directory and a port in use, in one line each', {
    timeout: 120_000,
  }, async () => {
    // Prepare
    const dataDir = join(scratch, 'shared');
    const first = start(runtime, { DATA_DIR: dataDir });
    const listening = await running(first);
    const port = new URL(listening).port;

    // Act
    const second = start(runtime, { DATA_DIR: dataDir });
    const secondCode = await second.exit;
    const samePort = start(runtime, { DATA_DIR: join(scratch, 'other'), PORT: port });
    const samePortCode = await samePort.exit;
    first.child.kill('SIGTERM');
    await first.exit;

    // Assess
    expect(secondCode).toBe(1);
    expect(second.stderr()).toBe(
      `Another Operator Bridge (pid ${first.child.pid}) is running on ${dataDir}: stop it first, or give this one its own DATA_DIR\n`,
    );
    expect(samePortCode).toBe(1);
    expect(samePort.stderr()).toBe(
      `Port ${port} is in use: stop what holds it, or choose another with PORT=${Number(port) + 1} npm start\n`,
    );
  });

  it('takes over a lock its dead owner left, and says loopback URLs are local on every interface', {
    timeout: 120_000,
  }, async () => {
    // Prepare
    const dataDir = join(scratch, 'stale');
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, 'runtime.lock'), `${await deadPid()}\n`);

    // Act
    const started = start(runtime, { DATA_DIR: dataDir, HOST: '0.0.0.0' });
    await running(started);
    const lock = (await readFile(join(dataDir, 'runtime.lock'), 'utf8')).trim();
    started.child.kill('SIGTERM');
    await started.exit;

    // Assess
    expect((JSON.parse(lock) as { pid: number }).pid).toBe(started.child.pid);
    expect(started.stdout()).toContain(
      'without PUBLIC_URL the URLs below are for testing on this machine only',
    );
  });
});
