import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack } from '#local/stack.ts';
import { root } from '../support/clients.ts';

/**
 * `npm run play` as a newcomer uses it, with its input piped: against a local stack started here, it
 * opens a conversation, sends what is typed, and prints the agent's reply that reaches its webhook.
 */
let dataDir: string;
let stack: Awaited<ReturnType<typeof startLocalStack>>;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'operator-bridge-play-'));
  process.env.TABLE_NAME = 'operator-bridge-play-test';
  stack = await startLocalStack({ dataDir, port: 0, host: '127.0.0.1', root });
});
afterAll(async () => {
  await stack.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Collects a child's output and waits for a pattern in it. */
function watch(child: ChildProcessWithoutNullStreams) {
  let output = '';
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  return {
    output: () => output,
    until: (pattern: RegExp) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const check = () => {
          const found = pattern.exec(output);
          if (found) {
            clearInterval(timer);
            resolve(found);
          } else if (child.exitCode !== null) {
            clearInterval(timer);
            reject(new Error(`play exited with ${child.exitCode}: ${output}${errors}`));
          }
        };
        const timer = setInterval(check, 50);
      }),
  };
}

async function agentCall(method: string, path: string, body?: object) {
  const response = await fetch(`${stack.info.agentApiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.info.agentToken}`, 'content-type': 'application/json' },
    ...(body && { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

describe('npm run play', () => {
  it('opens a conversation, sends typed lines and prints the agent reply its webhook receives', {
    timeout: 90_000,
  }, async () => {
    // Prepare
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/play.ts', '--user', 'play-user'], {
      cwd: root,
      env: { ...process.env, DATA_DIR: dataDir },
    });
    const play = watch(child);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const [, conversationId] = await play.until(/Conversation (cv_\S+) opened/);

      // Act
      child.stdin.write('Hello from the client\n');
      await play.until(/-> sent/);
      await agentCall('PUT', '/me/presence', { online: true });
      const accepted = await agentCall('POST', `/conversations/${conversationId}/accept`);
      const sent = await agentCall('POST', `/conversations/${conversationId}/messages`, {
        text: 'Hi, how can I help?',
      });
      await play.until(/<- Local Agent: Hi, how can I help\?/);
      child.stdin.write('/close\n');

      // Assess
      expect(await exited).toBe(0);
      expect(accepted.status).toBe(200);
      expect(sent.status).toBe(202);
      const transcript = await agentCall('GET', `/conversations/${conversationId}/messages`);
      expect(transcript.body.messages).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ from: 'client', text: 'Hello from the client' }),
          expect.objectContaining({ from: 'agent', text: 'Hi, how can I help?' }),
        ]),
      );
      expect(play.output()).toContain('-> closed the chat');
      // The channel token is a credential: the API URL is shown without it.
      expect(play.output()).not.toContain(stack.info.channelToken);
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
    }
  });
});
