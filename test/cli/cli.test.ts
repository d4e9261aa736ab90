import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '#domain/shared/store.ts';
import { startEmbeddedDynamoDb } from '#local/embedded-dynamodb.ts';
import { startLocalStack } from '#local/stack.ts';
import { messageId } from '#store/keys.ts';
import { dynamoStore } from '#store/store.ts';
import { createDb, ensureTable } from '#store/table.ts';

/** The checkout under test: its own CLI, never another copy's. */
const root = resolve(import.meta.dirname, '../..');
/**
 * Each test works in its own data directory (an embedded store belongs to one process at a time), so no
 * test depends on another's leftovers. They run one after another: each call spawns Node.js and tsx,
 * which is CPU-bound, so running them side by side on a small machine only makes each slower.
 */
let scratch: string;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of a person's shell: no test settings, so that the CLI's own defaults (quiet logs, no SDK notice) show. */
function childEnv(dir: string, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, ...extra };
  for (const name of [
    'DYNAMODB_ENDPOINT',
    'TABLE_NAME',
    'PUBLIC_URL',
    'LOG_LEVEL',
    'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
  ]) {
    if (!(name in extra)) delete env[name];
  }
  return env;
}

/** Runs the CLI of this checkout in the given data directory. */
function cliIn(dir: string, extra: NodeJS.ProcessEnv = {}) {
  return (...args: string[]): Promise<Result> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [join(root, 'bin/operator-bridge.js'), ...args],
        { cwd: dir, env: childEnv(dir, extra), timeout: 30_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
}

/** A new, existing data directory. */
async function freshDir(name: string): Promise<string> {
  const dir = join(scratch, name);
  await mkdir(dir, { recursive: true });
  return dir;
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
async function seedFailedEvent(dir: string, conversationId: string, attempts: number): Promise<string> {
  const dynamo = await startEmbeddedDynamoDb(join(dir, 'dynamodb'));
  const db = createDb({
    TABLE_NAME: 'operator-bridge',
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    AWS_REGION: 'us-east-1',
    RETENTION_DAYS: 0,
  });
  try {
    await ensureTable(db);
    const at = new Date().toISOString();
    const store = dynamoStore(db);
    const id = messageId(conversationId, 1);
    const entry = {
      id,
      seq: 1,
      conversationId,
      channelId: 'ch_seeded',
      from: 'agent' as const,
      type: 'text' as const,
      text: 'Hello',
      employeeId: 'seeded-agent',
      createdAt: at,
      delivery: {
        target: 'dialogstudio' as const,
        status: 'failed' as const,
        payload: { id, type: 'TextMessage', userId: 'u1', text: 'Hello' },
        attempts,
        createdAt: at,
        firstAttemptAt: at,
        lastError: 'HTTP 503',
        lastStatus: 503,
        failedAt: at,
      },
    };
    await store.conversations.create(
      {
        conversationId,
        channelId: 'ch_seeded',
        userId: 'u1',
        userName: 'Seeded u1',
        destinationId: 'support',
        status: 'active',
        assignee: 'seeded-agent',
        attributes: {},
        hiddenAttributes: {},
        customData: {},
        createdAt: at,
        lastMessageAt: at,
      },
      { writeId: 'seeded', intent: [entry], outbox: false },
    );
    await store.transcript.put([entry]);
    return entry.id;
  } finally {
    db.client.destroy();
    await dynamo.close();
  }
}

/** Runs `work` on the CLI's own embedded store under DATA_DIR, between two CLI runs. */
async function withStore<T>(dir: string, work: (store: Store) => Promise<T>): Promise<T> {
  const dynamo = await startEmbeddedDynamoDb(join(dir, 'dynamodb'));
  const db = createDb({
    TABLE_NAME: 'operator-bridge',
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    AWS_REGION: 'us-east-1',
    RETENTION_DAYS: 0,
  });
  try {
    await ensureTable(db);
    return await work(dynamoStore(db));
  } finally {
    db.client.destroy();
    await dynamo.close();
  }
}

/** Lines a person reads: an error is one of them, without a stack trace. */
function lines(text: string): string[] {
  return text.split('\n').filter(Boolean);
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'operator-bridge-cli-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('operator-bridge CLI', () => {
  it('manages destinations and channels on the embedded store, quietly', { timeout: 120_000 }, async () => {
    const cli = cliIn(await freshDir('channels'));
    const created = await cli('destination', 'create', '--name', 'Support', '--id', 'support', '--json');
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ destinationId: 'support', name: 'Support' });
    // No log lines, no AWS SDK notice about Node.js versions: the terminal stays clean.
    expect(created.stderr).toBe('');

    const listed = await cli('destination', 'list', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ destinationId: 'support' })]);

    const renamed = await cli('destination', 'rename', 'support', '--name', 'Help desk');
    expect(renamed.code, renamed.stderr).toBe(0);
    const relisted = JSON.parse((await cli('destination', 'list', '--json')).stdout);
    expect(relisted[0].name).toBe('Help desk');

    const channel = await cli(
      ...['channel', 'create', '--name', 'Bot', '--default-destination', 'support'],
      ...['--base-url', 'https://bridge.example.com', '--json'],
    );
    expect(channel.code, channel.stderr).toBe(0);
    const { channelId, operatorApiUrl } = JSON.parse(channel.stdout);
    expect(operatorApiUrl).toMatch(urlPattern);
    expect(operatorApiUrl.startsWith('https://bridge.example.com/operator/')).toBe(true);

    const channels = JSON.parse((await cli('channel', 'list', '--json')).stdout);
    expect(channels).toEqual([expect.objectContaining({ channelId, defaultDestinationId: 'support' })]);
    expect(channels[0]).not.toHaveProperty('secretHash');

    // Without --base-url, the new URL keeps the base the channel was created with.
    const rotated = await cli('channel', 'rotate-token', channelId, '--json');
    expect(rotated.code, rotated.stderr).toBe(0);
    const rotatedUrl = JSON.parse(rotated.stdout).operatorApiUrl;
    expect(rotatedUrl).toMatch(urlPattern);
    expect(rotatedUrl.startsWith('https://bridge.example.com/operator/')).toBe(true);
    expect(rotatedUrl.split('/operator/')[1]).not.toBe(operatorApiUrl.split('/operator/')[1]);

    const removed = await cli('destination', 'remove', 'support');
    expect(removed.code).toBe(1);
    expect(lines(removed.stderr)).toEqual([expect.stringContaining('(destination_in_use)')]);
  });

  it('sets, shows and clears business hours, refusing a mistake with nothing changed', {
    timeout: 120_000,
  }, async () => {
    // Prepare
    const cli = cliIn(await freshDir('hours'));
    json(await cli('destination', 'create', '--name', 'Support', '--id', 'support', '--json'));

    // Act
    const set = await cli(
      ...['destination', 'update', 'support', '--timezone', 'Europe/Berlin'],
      ...['--hours', 'mon-fri 09:00-18:00, sat 10:00-14:00', '--closed-on', '2027-01-01,2026-12-25'],
    );
    const listed = await cli('destination', 'list');
    const unknownZone = await cli('destination', 'update', 'support', '--timezone', 'Europe/Atlantis');
    const badHours = await cli('destination', 'update', 'support', '--hours', 'mon-fri 9-18');
    const afterRefusals = json(await cli('destination', 'list', '--json'));
    const renamed = await cli('destination', 'rename', 'support', '--name', 'Help desk');
    const cleared = json(await cli('destination', 'update', 'support', '--hours', 'always', '--json'));
    const missing = await cli('destination', 'update', 'nowhere', '--hours', 'always');

    // Assess
    expect(set.code, set.stderr).toBe(0);
    expect(lines(listed.stdout)).toEqual([
      'support\tSupport\tmon-fri 09:00-18:00, sat 10:00-14:00 (Europe/Berlin), closed on 2026-12-25, 2027-01-01',
    ]);
    expect(unknownZone.code).toBe(1);
    expect(lines(unknownZone.stderr)).toEqual([
      expect.stringMatching(/timeZone.*Europe\/Atlantis.*invalid_argument/),
    ]);
    expect(badHours.code).toBe(1);
    expect(lines(badHours.stderr)).toEqual([expect.stringMatching(/hours.*"9" is not a time of day/)]);
    expect(afterRefusals[0].hours).toEqual({
      timeZone: 'Europe/Berlin',
      weekly: [
        ...['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => ({ day, from: '09:00', to: '18:00' })),
        { day: 'sat', from: '10:00', to: '14:00' },
      ],
      closedOn: ['2026-12-25', '2027-01-01'],
    });
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(cleared).toMatchObject({ destinationId: 'support', name: 'Help desk' });
    expect(cleared).not.toHaveProperty('hours');
    expect(lines((await cli('destination', 'list')).stdout)).toEqual(['support\tHelp desk\talways open']);
    expect(missing.code).toBe(1);
    expect(lines(missing.stderr)).toEqual([expect.stringContaining('(destination_not_found)')]);
  });

  it('creates an agent, rotates its token, updates and revokes it', { timeout: 120_000 }, async () => {
    // Prepare
    const cli = cliIn(await freshDir('agents'));
    json(await cli('destination', 'create', '--name', 'Sales', '--id', 'sales', '--json'));

    // Act
    const created = json(
      await cli(
        ...['agent', 'create', '--first-name', 'Anna', '--last-name', 'Smith', '--destinations', 'sales'],
        ...['--id', 'anna', '--base-url', 'https://bridge.example.com', '--json'],
      ),
    );
    const rotated = json(
      await cli('agent', 'rotate-token', 'anna', '--base-url', 'https://bridge.example.com', '--json'),
    );
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
    expect(rotated.consoleUrl).toBe(`https://bridge.example.com/console/#token=${rotated.agentToken}`);
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

  it('prints URLs only from a base it knows: none guessed, PUBLIC_URL, or the running stack', {
    timeout: 120_000,
  }, async () => {
    // Prepare
    const dir = await freshDir('bases');
    const cli = cliIn(dir);
    json(await cli('destination', 'create', '--name', 'Web', '--id', 'web', '--json'));

    // Act: an older name of PUBLIC_URL is no setting of a 0.1.0 product, so it gives no base either
    const unknownBase = await cliIn(dir, { OPERATOR_BRIDGE_URL: 'https://old-name.example.com' })(
      ...[
        'agent',
        'create',
        '--first-name',
        'No',
        '--last-name',
        'Base',
        '--destinations',
        'web',
        '--id',
        'nobase',
      ],
    );
    const fromSetting = json(
      await cliIn(dir, { PUBLIC_URL: 'https://tunnel.example.com' })(
        'agent',
        'rotate-token',
        'nobase',
        '--json',
      ),
    );
    const stack = await startLocalStack({ dataDir: dir, port: 0, host: '127.0.0.1', root });
    let fromStack: { consoleUrl: string };
    let channelFromStack: { operatorApiUrl: string };
    try {
      fromStack = json(await cli('agent', 'rotate-token', 'nobase', '--json'));
      channelFromStack = json(
        await cli('channel', 'create', '--name', 'Bot', '--default-destination', 'web', '--json'),
      );
    } finally {
      await stack.close();
    }

    // Assess
    expect(unknownBase.code, unknownBase.stderr).toBe(0);
    expect(unknownBase.stdout).not.toContain('http');
    expect(unknownBase.stdout).toContain('no API base known: give --base-url');
    expect(fromSetting.consoleUrl).toBe(
      `https://tunnel.example.com/console/#token=${fromSetting.agentToken}`,
    );
    expect(fromStack.consoleUrl.startsWith(`${stack.baseUrl}/console/#token=nobase.`)).toBe(true);
    expect(channelFromStack.operatorApiUrl.startsWith(`${stack.baseUrl}/operator/ch_`)).toBe(true);
  });

  it('never reuses an id, and removes a destination in use only with --move-to', {
    timeout: 120_000,
  }, async () => {
    // Prepare
    const dir = await freshDir('ids');
    const cli = cliIn(dir);
    json(await cli('destination', 'create', '--name', 'Temp', '--id', 'temp', '--json'));
    json(await cli('destination', 'create', '--name', 'Support', '--id', 'support', '--json'));
    const agent = ['--first-name', 'Ada', '--last-name', 'Lovelace', '--json'];
    json(await cli('agent', 'create', ...agent, '--destinations', 'temp,support', '--id', 'ada'));
    await withStore(dir, async (store) => {
      const at = new Date().toISOString();
      await store.conversations.create(
        {
          conversationId: 'cv_waiting',
          channelId: 'ch_seeded',
          userId: 'u1',
          userName: 'Seeded u1',
          destinationId: 'temp',
          status: 'waiting',
          attributes: {},
          hiddenAttributes: {},
          customData: {},
          createdAt: at,
          lastMessageAt: at,
        },
        { writeId: 'seeded', intent: [], outbox: false },
      );
    });
    // Act
    const refused = await cli('destination', 'remove', 'temp');
    const removed = json(await cli('destination', 'remove', 'temp', '--move-to', 'support', '--json'));
    const agents = json(await cli('agent', 'list', '--json'));
    const moved = await withStore(dir, (store) => store.conversations.get('cv_waiting'));
    const asAgent = await cli('agent', 'create', ...agent, '--destinations', 'support', '--id', 'temp');
    const asDestination = await cli('destination', 'create', '--name', 'Again', '--id', 'temp');
    const agentIdAsDestination = await cli('destination', 'create', '--name', 'Ada', '--id', 'ada');
    // Assess
    expect(refused.code).toBe(1);
    expect(lines(refused.stderr)).toEqual([expect.stringContaining('(destination_in_use)')]);
    expect(refused.stderr).toContain('agents list it: ada');
    expect(refused.stderr).toContain('1 conversation(s) are open in it');
    expect(refused.stderr).toContain('--move-to');
    expect(removed).toEqual({
      destinationId: 'temp',
      removed: true,
      movedAgents: ['ada'],
      movedConversations: ['cv_waiting'],
    });
    expect(agents).toEqual([expect.objectContaining({ employeeId: 'ada', destinations: ['support'] })]);
    expect(moved).toMatchObject({ destinationId: 'support', status: 'waiting' });
    for (const reuse of [asAgent, asDestination]) {
      expect(reuse.code).toBe(1);
      expect(lines(reuse.stderr)).toEqual([expect.stringContaining('(id_reserved)')]);
    }
    expect(agentIdAsDestination.code).toBe(1);
    expect(agentIdAsDestination.stderr).toContain('(agent_exists)');
  });

  it('refuses an agent for an unknown destination', { timeout: 120_000 }, async () => {
    // Act
    const result = await cliIn(await freshDir('unknown-destination'))(
      ...['agent', 'create', '--first-name', 'Bob', '--last-name', 'Lee'],
      ...['--destinations', 'sales,no-such-group'],
    );

    // Assess
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual(['error: No destination sales (destination_not_found)']);
    expect(result.stdout).toBe('');
  });

  it('says a missing thing is missing in the same words for every kind', { timeout: 120_000 }, async () => {
    // Prepare
    const cli = cliIn(await freshDir('not-found'));

    // Act
    const results = [
      await cli('destination', 'rename', 'nope', '--name', 'X'),
      await cli('agent', 'rotate-token', 'nobody'),
      await cli('channel', 'url', 'ch_nope'),
      await cli('destination', 'create', '--name', 'B', '--id', 'b', '--add-agent', 'ghost'),
    ];

    // Assess
    expect(results.map((r) => [r.code, r.stderr])).toEqual([
      [1, 'error: No destination nope (destination_not_found)\n'],
      [1, 'error: No agent nobody (agent_not_found)\n'],
      [1, 'error: No channel ch_nope (channel_not_found)\n'],
      [1, 'error: No agent ghost (agent_not_found)\n'],
    ]);
  });

  it('puts an existing agent in a new destination with --add-agent, and says when none is in it', {
    timeout: 120_000,
  }, async () => {
    // Prepare
    const cli = cliIn(await freshDir('add-agent'));
    json(await cli('destination', 'create', '--name', 'Support', '--id', 'support', '--json'));
    json(
      await cli(
        'agent',
        'create',
        '--first-name',
        'A',
        '--last-name',
        'B',
        '--destinations',
        'support',
        '--id',
        'ann',
        '--json',
      ),
    );

    // Act
    const alone = await cli('destination', 'create', '--name', 'Billing', '--id', 'billing');
    const joined = await cli(
      'destination',
      'create',
      '--name',
      'Sales',
      '--id',
      'sales',
      '--add-agent',
      'ann',
    );
    const agents = json(await cli('agent', 'list', '--json'));

    // Assess
    expect(alone.stdout).toContain('No agent is in it yet');
    expect(joined.stdout).toContain('Agents in it: ann');
    expect(agents[0].destinations).toEqual(['support', 'sales']);
  });

  it('sets a channel agent platform with a signing secret shown once, and clears it', {
    timeout: 120_000,
  }, async () => {
    // Prepare
    const cli = cliIn(await freshDir('platform'));
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

  it('reports no failed events on a store without any', { timeout: 120_000 }, async () => {
    // Act
    const cli = cliIn(await freshDir('no-failed'));
    const text = await cli('events', 'failed');
    const data = await cli('events', 'failed', '--json');
    const redrive = await cli('events', 'redrive', '--id', 'nope');

    // Assess
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.trim()).toBe('No failed events');
    expect(json(data)).toEqual([]);
    expect(redrive.code).toBe(1);
    expect(lines(redrive.stderr)).toEqual(['error: No failed event nope (failed_event_not_found)']);
  });

  it('lists failed events in readable lines and redrives one by id', { timeout: 120_000 }, async () => {
    // Prepare
    const dir = await freshDir('failed');
    const cli = cliIn(dir);
    const once = await seedFailedEvent(dir, 'cv_cli_once', 1);
    const id = await seedFailedEvent(dir, 'cv_cli_failed', 9);

    // Act
    const failed = json(await cli('events', 'failed', '--json'));
    const text = await cli('events', 'failed');
    const redrive = await cli('events', 'redrive', '--id', id);
    const after = await cli('events', 'failed');

    // Assess
    expect(failed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id,
          conversationId: 'cv_cli_failed',
          target: 'dialogstudio',
          type: 'TextMessage',
          attempts: 9,
          lastStatus: 503,
          lastError: 'HTTP 503',
        }),
      ]),
    );
    const [onceLine, nineLine] = [once, id].map((eventId) =>
      lines(text.stdout).find((l) => l.startsWith(eventId)),
    );
    expect(onceLine).toContain('\t1 attempt\t');
    expect(nineLine).toContain('\t9 attempts\t');
    expect(nineLine?.match(/503/g)).toHaveLength(1);
    expect(redrive.code, redrive.stderr).toBe(0);
    expect(redrive.stdout).toContain(`Put 1 failed event back in line: ${id}`);
    expect(redrive.stdout).toContain('running deliverer');
    expect(after.stdout).not.toContain(id);
  });

  it('refuses a data directory that does not exist, unless the command creates things', {
    timeout: 120_000,
  }, async () => {
    // Prepare
    const cli = cliIn(scratch);

    // Act
    const listed = await cli('destination', 'list', '--data-dir', join(scratch, 'typo'));
    const created = await cli(
      'destination',
      'create',
      '--name',
      'A',
      '--data-dir',
      join(scratch, 'new-store'),
    );

    // Assess
    expect(listed.code).toBe(1);
    expect(lines(listed.stderr)).toEqual([
      expect.stringContaining(`no data directory ${join(scratch, 'typo')}`),
    ]);
    expect(created.code, created.stderr).toBe(0);
  });

  it('explains missing AWS credentials for --table in one line', { timeout: 120_000 }, async () => {
    // Prepare: a shell with no credentials anywhere (no keys, no profile files, no instance metadata).
    const home = await freshDir('no-aws-home');
    const cli = cliIn(home, {
      HOME: home,
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    });

    // Act
    const result = await cli('destination', 'list', '--table', 'operator-bridge', '--region', 'eu-west-1');

    // Assess
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(
        /^error: no AWS credentials to reach operator-bridge: .*aws sso login.*AWS_PROFILE/,
      ),
    ]);
  });

  it('answers an unknown command in one line, with the nearest command', { timeout: 120_000 }, async () => {
    // Act
    const typo = await cliIn(scratch)('destination', 'lst');

    // Assess
    expect(typo.code).toBe(2);
    expect(lines(typo.stderr)).toEqual([
      'error: unknown command: destination lst (did you mean: operator-bridge destination list?)',
    ]);
  });

  it('shows one command’s usage for its --help', { timeout: 120_000 }, async () => {
    const result = await cliIn(scratch)('agent', 'create', '--help');
    expect(result.code).toBe(0);
    expect(lines(result.stdout)[0]).toMatch(/^Usage: operator-bridge agent create --first-name F/);
    expect(result.stdout).not.toContain('destination list');
  });

  it('exits 2 with the command usage for a mistake in its options', { timeout: 120_000 }, async () => {
    // Act
    const result = await cliIn(scratch)('agent', 'create', '--first-name');

    // Assess
    expect(result.code).toBe(2);
    expect(lines(result.stderr).slice(0, 2)).toEqual([
      'error: missing value for --first-name',
      expect.stringMatching(/^Usage: operator-bridge agent create --first-name F/),
    ]);
  });
});
