import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Wired } from '#deps';
import { createCannedReply } from '#use-cases/admin/create-canned-reply.ts';
import { listCannedReplies } from '#use-cases/admin/list-canned-replies.ts';
import { removeCannedReply } from '#use-cases/admin/remove-canned-reply.ts';
import { revokeAgent } from '#use-cases/admin/revoke-agent.ts';
import { root, seedAgent, seedChannel, tableSnapshot } from '../support/clients.ts';
import { useEmbeddedStore } from '../support/embedded-store.ts';

let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let deps: Wired;

beforeAll(async () => {
  store = await useEmbeddedStore();
  deps = store.deps;
});
afterAll(() => store.close());

const greeting = { shortcut: 'hello', title: 'Greeting', text: 'Hi {userName}, how can I help?' };

describe('creating a canned reply', () => {
  it('keeps it in its destination, with the shortcut in lower case, listed by shortcut', async () => {
    // Prepare
    const { support, sales } = await seedChannel(deps);

    // Act
    const hello = await createCannedReply(deps, {
      ...greeting,
      shortcut: ' Hello ',
      destinationId: support.destinationId,
    });
    const bye = await createCannedReply(deps, {
      ...greeting,
      shortcut: 'bye',
      destinationId: support.destinationId,
    });
    await createCannedReply(deps, { ...greeting, destinationId: sales.destinationId });

    // Assess
    expect(hello).toMatchObject({ replyId: expect.stringMatching(/^rpl_/), shortcut: 'hello' });
    const listed = await listCannedReplies(deps, support.destinationId);
    expect(listed.map((reply) => reply.replyId)).toEqual([bye.replyId, hello.replyId]);
    expect(listed[1]).toEqual({ ...greeting, ...hello });
  });

  it("takes an agent's personal queue as its destination", async () => {
    // Prepare
    const { support } = await seedChannel(deps);
    const { agent } = await seedAgent(deps, [support.destinationId]);

    // Act
    const reply = await createCannedReply(deps, { ...greeting, destinationId: agent.employeeId });

    // Assess
    expect(await listCannedReplies(deps, agent.employeeId)).toEqual([reply]);
  });

  it.each([
    { field: 'shortcut', value: '', code: 'invalid_argument' },
    { field: 'shortcut', value: 'two words', code: 'invalid_argument' },
    { field: 'shortcut', value: 'a/b', code: 'invalid_argument' },
    { field: 'shortcut', value: '/hello', code: 'invalid_argument' },
    { field: 'shortcut', value: 'x'.repeat(33), code: 'invalid_argument' },
    { field: 'title', value: '  ', code: 'invalid_argument' },
    { field: 'title', value: 'x'.repeat(101), code: 'invalid_argument' },
    { field: 'text', value: ' \n', code: 'invalid_argument' },
    { field: 'text', value: 'x'.repeat(4001), code: 'invalid_argument' },
    { field: 'destinationId', value: 'nobody-here', code: 'destination_not_found' },
  ])(
    'refuses $field "$value" with $code naming the field, and writes nothing',
    async ({ field, value, code }) => {
      // Prepare
      const { support } = await seedChannel(deps);
      const before = await tableSnapshot(deps);

      // Act
      const creating = createCannedReply(deps, {
        ...greeting,
        destinationId: support.destinationId,
        [field]: value,
      });

      // Assess
      await expect(creating).rejects.toMatchObject({ code, issues: [{ path: field }] });
      expect(await tableSnapshot(deps)).toBe(before);
    },
  );

  it("refuses a revoked agent's queue", async () => {
    // Prepare
    const { support } = await seedChannel(deps);
    const { agent } = await seedAgent(deps, [support.destinationId]);
    await revokeAgent(deps, agent.employeeId);

    // Act
    const creating = createCannedReply(deps, { ...greeting, destinationId: agent.employeeId });

    // Assess
    await expect(creating).rejects.toMatchObject({ code: 'destination_not_found' });
  });

  it('refuses a shortcut its destination has already, in any case, and takes it in another destination', async () => {
    // Prepare
    const { support, sales } = await seedChannel(deps);
    const first = await createCannedReply(deps, { ...greeting, destinationId: support.destinationId });

    // Act
    const again = await createCannedReply(deps, {
      ...greeting,
      shortcut: 'HELLO',
      destinationId: support.destinationId,
    }).catch((error: unknown) => error);
    const elsewhere = await createCannedReply(deps, { ...greeting, destinationId: sales.destinationId });

    // Assess
    expect(again).toMatchObject({ code: 'shortcut_taken', issues: [{ path: 'shortcut' }] });
    expect(await listCannedReplies(deps, support.destinationId)).toEqual([first]);
    expect(elsewhere.destinationId).toBe(sales.destinationId);
  });

  it('lets only one of two racing creates of a shortcut land', async () => {
    // Prepare
    const { support } = await seedChannel(deps);
    const input = { ...greeting, destinationId: support.destinationId };

    // Act
    const outcomes = await Promise.allSettled([
      createCannedReply(deps, input),
      createCannedReply(deps, input),
    ]);

    // Assess
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await listCannedReplies(deps, support.destinationId)).toHaveLength(1);
  });
});

describe('removing a canned reply', () => {
  it('removes it by id, frees its shortcut, and answers reply_not_found for an unknown id', async () => {
    // Prepare
    const { support } = await seedChannel(deps);
    const reply = await createCannedReply(deps, { ...greeting, destinationId: support.destinationId });

    // Act
    await removeCannedReply(deps, reply.replyId);
    const again = removeCannedReply(deps, reply.replyId);

    // Assess
    await expect(again).rejects.toMatchObject({ code: 'reply_not_found' });
    expect(await listCannedReplies(deps, support.destinationId)).toEqual([]);
    await expect(
      createCannedReply(deps, { ...greeting, destinationId: support.destinationId }),
    ).resolves.toMatchObject({
      shortcut: 'hello',
    });
  });
});

describe('the reply commands', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'operator-bridge-reply-'));
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  /** This checkout's CLI on its own embedded store under `scratch`. */
  function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: scratch };
    for (const name of ['DYNAMODB_ENDPOINT', 'TABLE_NAME', 'LOG_LEVEL']) delete env[name];
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [join(root, 'bin/operator-bridge.js'), ...args],
        { cwd: scratch, env, timeout: 30_000 },
        (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
        },
      );
    });
  }

  it('create prints the id, list shows it, remove removes it; a bad shortcut exits 1 naming the field', async () => {
    // Prepare
    expect((await cli('destination', 'create', '--name', 'Support', '--id', 'support')).code).toBe(0);

    // Act
    const created = await cli(
      'reply',
      'create',
      '--destination',
      'support',
      '--shortcut',
      'hello',
      '--title',
      'Greeting',
      '--text',
      'Hi {userName}, how can I help?',
    );
    const replyId = /rpl_[A-Za-z0-9_-]+/.exec(created.stdout)?.[0] ?? '';
    const listed = await cli('reply', 'list', '--destination', 'support', '--json');
    const refused = await cli(
      'reply',
      'create',
      '--destination',
      'support',
      '--shortcut',
      'two words',
      '--title',
      'T',
      '--text',
      'x',
    );
    const removed = await cli('reply', 'remove', replyId);
    const after = await cli('reply', 'list');

    // Assess
    expect(created.code, created.stderr).toBe(0);
    expect(replyId).not.toBe('');
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ replyId, destinationId: 'support', shortcut: 'hello', title: 'Greeting' }),
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/shortcut: .*\(invalid_argument\)/);
    expect(removed.code, removed.stderr).toBe(0);
    expect(after.stdout.trim()).toBe('No canned replies');
  });
});
