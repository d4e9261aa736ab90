import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDynamoDb } from '#local/embedded-dynamodb.ts';
import { createDb, ensureTable } from '#store/table.ts';
import { appendEntry } from '#store/transcript.ts';

const root = resolve(import.meta.dirname, '..');
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

function json(result: Result) {
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

/**
 * Writes an event that ran out of tries into the CLI's own store, as the deliverer leaves one. The
 * store is the embedded one under DATA_DIR, opened here between two CLI runs.
 */
async function seedFailedEvent(conversationId: string): Promise<string> {
  const dynamo = await startEmbeddedDynamoDb(join(dataDir, 'dynamodb'));
  const db = createDb({
    TABLE_NAME: 'operator-bridge',
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    AWS_REGION: 'us-east-1',
    RETENTION_DAYS: 0,
  });
  try {
    await ensureTable(db);
    const at = new Date().toISOString();
    const entry = await appendEntry(db, conversationId, (id) => ({
      conversationId,
      channelId: 'ch_seeded',
      from: 'agent',
      type: 'text',
      text: 'Hello',
      employeeId: 'seeded-agent',
      createdAt: at,
      delivery: {
        target: 'dialogstudio',
        status: 'failed',
        payload: { id, type: 'TextMessage', userId: 'u1', text: 'Hello' },
        attempts: 9,
        createdAt: at,
        firstAttemptAt: at,
        lastError: 'HTTP 503',
        lastStatus: 503,
        failedAt: at,
      },
    }));
    return entry.id;
  } finally {
    db.client.destroy();
    await dynamo.close();
  }
}

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

  it('creates an agent, rotates its token, updates and revokes it', { timeout: 60_000 }, async () => {
    // Prepare
    json(await cli('destination', 'create', '--name', 'Sales', '--id', 'sales', '--json'));

    // Act
    const created = json(
      await cli(
        ...['agent', 'create', '--first-name', 'Anna', '--last-name', 'Smith', '--destinations', 'sales'],
        ...['--id', 'anna', '--base-url', 'https://bridge.example.com', '--json'],
      ),
    );
    const rotated = json(await cli('agent', 'rotate-token', 'anna', '--json'));
    const namesake = await cli('destination', 'create', '--name', 'Anna group', '--id', 'anna');
    const updated = await cli('agent', 'update', 'anna', '--last-name', 'Jones');
    const revoked = await cli('agent', 'revoke', 'anna');
    const listed = await cli('agent', 'list', '--json');

    // Assess
    expect(created).toEqual({
      employeeId: 'anna',
      agentToken: expect.stringMatching(/^anna\.[A-Za-z0-9_-]{32}$/),
      agentApiUrl: 'https://bridge.example.com/agent',
      consoleUrl: `https://bridge.example.com/console/#token=${created.agentToken}`,
    });
    expect(rotated.agentToken).toMatch(/^anna\.[A-Za-z0-9_-]{32}$/);
    expect(rotated.agentToken).not.toBe(created.agentToken);
    expect(namesake.code).toBe(1);
    expect(namesake.stderr).toContain('(agent_exists)');
    expect(updated.code, updated.stderr).toBe(0);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(json(listed)).toEqual([
      expect.objectContaining({
        employeeId: 'anna',
        firstName: 'Anna',
        lastName: 'Jones',
        destinations: ['sales'],
        online: false,
        revoked: true,
      }),
    ]);
    for (const token of [created.agentToken, rotated.agentToken]) {
      expect(listed.stdout).not.toContain(token.split('.')[1]);
    }
    expect(listed.stdout).not.toContain('secretHash');
  });

  it('refuses an agent for an unknown destination', { timeout: 60_000 }, async () => {
    // Act
    const result = await cli(
      ...['agent', 'create', '--first-name', 'Bob', '--last-name', 'Lee'],
      ...['--destinations', 'sales,no-such-group'],
    );

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('(destination_not_found)');
    expect(result.stdout).toBe('');
  });

  it('sets a channel agent platform with a signing secret shown once, and clears it', {
    timeout: 60_000,
  }, async () => {
    // Prepare
    json(await cli('destination', 'create', '--name', 'Platform', '--id', 'platform', '--json'));
    const { channelId } = json(
      await cli('channel', 'create', '--name', 'Web', '--default-destination', 'platform', '--json'),
    );

    // Act
    const metadata = await cli('channel', 'set-platform', channelId, '--url', 'http://[64:ff9b::a9fe:a9fe]/');
    const set = await cli('channel', 'set-platform', channelId, '--url', 'https://93.184.215.14/notify');
    const listedWithPlatform = await cli('channel', 'list', '--json');
    const cleared = await cli('channel', 'set-platform', channelId, '--clear');
    const listedCleared = json(await cli('channel', 'list', '--json'));

    // Assess
    expect(metadata.code).toBe(1);
    expect(metadata.stderr).toContain('(invalid_webhook_url)');
    expect(set.code, set.stderr).toBe(0);
    const secret = /Signing secret: (whsec_[A-Za-z0-9+/=]+)/.exec(set.stdout)?.[1];
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const withPlatform = json(listedWithPlatform).find(
      (c: { channelId: string }) => c.channelId === channelId,
    );
    expect(withPlatform).toMatchObject({ agentPlatformUrl: 'https://93.184.215.14/notify' });
    expect(listedWithPlatform.stdout).not.toContain(secret);
    expect(cleared.code, cleared.stderr).toBe(0);
    const withoutPlatform = listedCleared.find((c: { channelId: string }) => c.channelId === channelId);
    expect(withoutPlatform).not.toHaveProperty('agentPlatformUrl');
  });

  it('reports no failed events on a store without any', { timeout: 60_000 }, async () => {
    // Act
    const text = await cli('events', 'failed');
    const data = await cli('events', 'failed', '--json');
    const redrive = await cli('events', 'redrive', '--id', 'nope');

    // Assess
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.trim()).toBe('No failed events');
    expect(json(data)).toEqual([]);
    expect(redrive.code).toBe(1);
    expect(redrive.stderr).toContain('(failed_event_not_found)');
  });

  it('lists a failed event and redrives it by id', { timeout: 60_000 }, async () => {
    // Prepare
    const id = await seedFailedEvent('cv_cli_failed');

    // Act
    const failed = json(await cli('events', 'failed', '--json'));
    const redrive = await cli('events', 'redrive', '--id', id);
    const after = await cli('events', 'failed');

    // Assess
    expect(failed).toEqual([
      expect.objectContaining({
        id,
        conversationId: 'cv_cli_failed',
        target: 'dialogstudio',
        type: 'TextMessage',
        attempts: 9,
        lastStatus: 503,
        lastError: 'HTTP 503',
      }),
    ]);
    expect(redrive.code, redrive.stderr).toBe(0);
    expect(redrive.stdout).toContain(`Put 1 failed event back in line: ${id}`);
    expect(redrive.stdout).toContain('running deliverer');
    expect(after.stdout.trim()).toBe('No failed events');
  });

  // These stop before any store is opened, so they can run side by side.
  it.concurrent.for([
    {
      args: ['agent', 'create', '--last-name', 'Lee', '--destinations', 'sales'],
      error: 'missing --first-name',
    },
    { args: ['agent', 'update', 'anna'], error: 'nothing to update' },
    { args: ['agent', 'revoke'], error: 'missing <employeeId>' },
    { args: ['events', 'redrive'], error: 'missing --id (or --all)' },
    { args: ['events', 'redrive', '--all', '--id', 'x'], error: 'give --all or --id, not both' },
    {
      args: ['channel', 'set-platform', 'ch_x', '--url', 'https://x', '--clear'],
      error: 'give --url or --clear, not both',
    },
    { args: ['destination', 'list', '--name', 'x'], error: 'destination list does not take --name' },
    {
      args: ['destination', 'create', '--name', 'A', '--id', 'a', '--id', 'b'],
      error: '--id given more than once',
    },
  ])('exits 2 with the command usage: $error', { timeout: 60_000 }, async ({ args, error }, { expect }) => {
    // Act
    const result = await cli(...args);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error: ${error}`);
    expect(result.stderr).toContain(`Usage: operator-bridge ${args[0]} ${args[1]}`);
  });
});
