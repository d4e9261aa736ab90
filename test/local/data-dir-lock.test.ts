import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock } from '#local/data-dir-lock.ts';
import { root } from '../support/clients.ts';

/**
 * The data-directory lock against what `kill(pid, 0)` cannot tell apart from a live runtime: a zombie
 * (killed, never reaped, as under a PID 1 that does not reap) and a pid that another process now has.
 */
let scratch: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'operator-bridge-lock-'));
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await rm(scratch, { recursive: true, force: true });
});

function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/**
 * A process that takes the lock and holds it, as the child of a `sleep` that never reaps it: `sh` starts
 * it in the background and then becomes `sleep` (exec), so once killed it stays a zombie.
 */
async function holderUnderNonReapingParent(
  dataDir: string,
): Promise<{ holder: number; parent: ChildProcess }> {
  const script = `import('#local/data-dir-lock.ts').then((m) => m.acquireDataDirLock(${JSON.stringify(dataDir)})).then(() => { console.log('locked'); setInterval(() => {}, 1000); })`;
  const parent = spawn('sh', ['-c', `"${process.execPath}" --import tsx -e "$HOLDER" & exec sleep 600`], {
    cwd: root,
    env: { ...process.env, HOLDER: script },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(parent);
  let stdout = '';
  parent.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  await until(() => stdout.includes('locked'), 'the holder to take the lock');
  const holder = (JSON.parse(await readFile(join(dataDir, 'runtime.lock'), 'utf8')) as { pid: number }).pid;
  return { holder, parent };
}

describe.skipIf(process.platform !== 'linux')('the data-directory lock', () => {
  it('refuses while its holder runs, and is taken over once the holder is a zombie', {
    timeout: 60_000,
  }, async () => {
    // Prepare
    const dataDir = join(scratch, 'zombie');
    const { holder } = await holderUnderNonReapingParent(dataDir);
    const whileAlive = await acquireDataDirLock(dataDir).then(
      () => 'taken',
      (error: Error) => error.message,
    );
    process.kill(holder, 'SIGKILL');
    await until(() => procState(holder) === 'Z', 'the holder to become a zombie');

    // Act
    const lock = await acquireDataDirLock(dataDir);
    const owner = JSON.parse(await readFile(join(dataDir, 'runtime.lock'), 'utf8')) as { pid: number };
    await lock.release();

    // Assess
    expect(whileAlive).toBe(
      `Another Operator Bridge (pid ${holder}) is running on ${dataDir}: stop it first, or give this one its own DATA_DIR`,
    );
    // What the old check saw: signal 0 reaches a zombie, as if it still ran.
    expect(() => process.kill(holder, 0)).not.toThrow();
    expect(owner.pid).toBe(process.pid);
  });

  it('is taken over when its pid now belongs to another process', async () => {
    // Prepare: a lock naming a live pid (the test's parent), with a start time that is not that process's.
    const dataDir = join(scratch, 'reused');
    const lock = await acquireDataDirLock(dataDir);
    const mine = JSON.parse(await readFile(join(dataDir, 'runtime.lock'), 'utf8')) as { startTime: string };
    await lock.release();
    await writeFile(
      join(dataDir, 'runtime.lock'),
      `${JSON.stringify({ ...mine, pid: process.ppid, startTime: `${mine.startTime}0` })}\n`,
    );

    // Act
    const taken = await acquireDataDirLock(dataDir);
    const owner = JSON.parse(await readFile(join(dataDir, 'runtime.lock'), 'utf8')) as { pid: number };
    await taken.release();

    // Assess
    expect(() => process.kill(process.ppid, 0)).not.toThrow();
    expect(owner.pid).toBe(process.pid);
  });
});
