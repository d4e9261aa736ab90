import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from './support/clients.ts';

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'operator-bridge-sam-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('npm run sam:api', () => {
  it('names every missing prerequisite and how to get it, before synthesising anything', {
    timeout: 60_000,
  }, async () => {
    // Act: a PATH with neither sam nor docker, and no local stack.
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'scripts/sam-local.ts'],
        { cwd: root, env: { ...process.env, PATH: scratch, DATA_DIR: scratch }, timeout: 50_000 },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^The AWS SAM CLI \(sam\) is not installed: https:\/\/docs\.aws\.amazon\.com\//),
      expect.stringMatching(/^Docker is not running .*start Docker Desktop/),
      `No local stack is running on ${scratch}: start it first with npm start (in another terminal)`,
    ]);
    expect(result.stdout).not.toContain('Synthesizing');
  });
});
