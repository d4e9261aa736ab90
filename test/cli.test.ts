import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = '/work/main';
let dataDir: string;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'SILENT' };
  for (const name of ['DYNAMODB_ENDPOINT', 'TABLE_NAME', 'OPERATOR_BRIDGE_URL']) delete env[name];
  return env;
}

function cli(...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      'node',
      ['bin/operator-bridge.js', ...args],
      {
        cwd: root,
        env: childEnv(),
        timeout: 30_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const urlPattern = /\/operator\/ch_[^.]+\.[A-Za-z0-9_-]+$/;

describe('operator-bridge CLI', () => {
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'operator-bridge-cli-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('manages destinations and channels on the embedded store', { timeout: 60_000 }, async () => {
    const created = await cli('destination', 'create', '--name', 'Support', '--id', 'support', '--json');
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ destinationId: 'support', name: 'Support' });

    const listed = await cli('destination', 'list', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ destinationId: 'support' })]);

    const renamed = await cli('destination', 'rename', 'support', '--name', 'Help desk');
    expect(renamed.code, renamed.stderr).toBe(0);
    const relisted = JSON.parse((await cli('destination', 'list', '--json')).stdout);
    expect(relisted[0].name).toBe('Help desk');

    const channel = await cli(
      'channel',
      'create',
      '--name',
      'Bot',
      '--default-destination',
      'support',
      '--base-url',
      'https://bridge.example.com',
      '--json',
    );
    expect(channel.code, channel.stderr).toBe(0);
    const { channelId, operatorApiUrl } = JSON.parse(channel.stdout);
    expect(operatorApiUrl).toMatch(urlPattern);
    expect(operatorApiUrl.startsWith('https://bridge.example.com/operator/')).toBe(true);

    const channels = JSON.parse((await cli('channel', 'list', '--json')).stdout);
    expect(channels).toEqual([expect.objectContaining({ channelId, defaultDestinationId: 'support' })]);
    expect(channels[0]).not.toHaveProperty('secretHash');

    const rotated = await cli('channel', 'rotate-token', channelId, '--json');
    expect(rotated.code, rotated.stderr).toBe(0);
    const rotatedUrl = JSON.parse(rotated.stdout).operatorApiUrl;
    expect(rotatedUrl).toMatch(urlPattern);
    expect(rotatedUrl.split('/operator/')[1]).not.toBe(operatorApiUrl.split('/operator/')[1]);

    const removed = await cli('destination', 'remove', 'support');
    expect(removed.code).toBe(1);
    expect(removed.stderr).toContain('(destination_in_use)');
  });

  it('exits 2 with usage on an unknown command', { timeout: 60_000 }, async () => {
    const result = await cli('frobnicate');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: operator-bridge');
  });
});
