import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** `channel update` and `destination update`'s reply flags, through this checkout's own CLI on an embedded store. */

const root = resolve(import.meta.dirname, '../..');
let dir: string;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Result> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir };
  for (const name of ['DYNAMODB_ENDPOINT', 'TABLE_NAME', 'OPERATOR_BRIDGE_URL', 'PUBLIC_URL', 'LOG_LEVEL']) {
    delete env[name];
  }
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(root, 'bin/operator-bridge.js'), ...args],
      { cwd: dir, env, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'operator-bridge-replies-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('operator-bridge: automatic replies and the system sender', () => {
  it('sets replies and the sender, and refuses what it cannot use', { timeout: 180_000 }, async () => {
    // Prepare
    expect((await cli('destination', 'create', '--name', 'Support', '--id', 'support')).code).toBe(0);
    const created = await cli(
      'channel',
      'create',
      '--name',
      'Web',
      '--default-destination',
      'support',
      '--json',
    );
    const { channelId } = JSON.parse(created.stdout);
    // Act
    const replies = await cli(
      'destination',
      'update',
      'support',
      '--offline-reply',
      'Closed, {userName}',
      '--waiting-reply',
      'Hold on',
      '--waiting-after',
      '5',
      '--json',
    );
    const sender = await cli('channel', 'update', channelId, '--system-name', 'Support team');
    const nothing = await cli('channel', 'update', channelId);
    const reserved = await cli('destination', 'create', '--name', 'S', '--id', 'system');
    // Assess
    expect(replies.code, replies.stderr).toBe(0);
    expect(JSON.parse(replies.stdout)).toMatchObject({
      destinationId: 'support',
      offlineReply: 'Closed, {userName}',
      waitingReply: 'Hold on',
      waitingAfterMinutes: 5,
    });
    expect(sender.code, sender.stderr).toBe(0);
    expect(sender.stdout).toContain('"Support team" (employeeId system)');
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('nothing to change');
    expect(reserved.code).toBe(1);
    expect(reserved.stderr).toContain('(id_reserved)');
  });
});
