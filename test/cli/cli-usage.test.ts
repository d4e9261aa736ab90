import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/command.ts';
import { readCommandLine } from '../../src/cli/command-line.ts';
import { commands } from '../../src/cli/commands/index.ts';

/** The command line as the CLI reads it, in this process: mistakes found before any store is opened. */
function mistakeOf(args: string[]): UsageError {
  try {
    readCommandLine(commands, args);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`no usage error for ${args.join(' ')}`);
}

describe('reading the command line', () => {
  it.for([
    {
      args: ['agent', 'create', '--last-name', 'Lee', '--destinations', 'sales'],
      error: 'missing --first-name',
    },
    { args: ['agent', 'create', '--first-name'], error: 'missing value for --first-name' },
    { args: ['agent', 'create', '--bogus'], error: 'unknown option --bogus' },
    { args: ['agent', 'list', '--json=yes'], error: '--json takes no value' },
    {
      args: ['agent', 'update', 'anna'],
      error: 'nothing to update: give --first-name, --last-name, --avatar-url or --destinations',
    },
    { args: ['agent', 'revoke'], error: 'missing <employeeId>' },
    { args: ['agent', 'revoke', 'a', 'b'], error: 'unexpected arguments: b' },
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
    {
      args: ['channel', 'rotate-token', 'ch_x', '--base-url', 'bridge.example.com'],
      error: '--base-url must be an http(s) URL, such as https://bridge.example.com',
    },
  ])('names the mistake and its command: $error', ({ args, error }) => {
    const mistake = mistakeOf(args);
    expect(mistake.message).toBe(error);
    expect(`${mistake.command?.group} ${mistake.command?.name}`).toBe(`${args[0]} ${args[1]}`);
    expect(mistake.alone).toBe(false);
  });

  it.for([
    {
      args: ['destination', 'lst'],
      error: 'unknown command: destination lst (did you mean: operator-bridge destination list?)',
    },
    {
      args: ['chanel', 'create'],
      error: 'unknown command: chanel create (did you mean: operator-bridge channel create?)',
    },
    {
      args: ['agent', 'rotate'],
      error: 'unknown command: agent rotate (did you mean: operator-bridge agent rotate-token?)',
    },
    {
      args: ['frobnicate'],
      error: 'unknown command: frobnicate (operator-bridge --help lists every command)',
    },
    { args: ['events'], error: 'missing command after events: one of failed, redrive' },
  ])('answers an unknown command alone, with the nearest one: $args', ({ args, error }) => {
    const mistake = mistakeOf(args);
    expect(mistake.message).toBe(error);
    expect(mistake.alone).toBe(true);
  });

  it('gives one command’s usage for --help after it, and the whole list without a command', () => {
    const one = readCommandLine(commands, ['channel', 'rotate-token', '--help']);
    const all = readCommandLine(commands, ['--help']);
    expect(one).toEqual({
      kind: 'help',
      text: expect.stringMatching(/^Usage: operator-bridge channel rotate-token <channelId>/),
    });
    expect(all).toEqual({ kind: 'help', text: expect.stringContaining('Exit codes: 0 done, 1 ') });
  });

  it('takes PUBLIC_URL as the public base and refuses one that is not a URL', () => {
    process.env.PUBLIC_URL = 'https://tunnel.example.com/';
    try {
      const run = readCommandLine(commands, ['agent', 'rotate-token', 'anna']);
      expect(run.kind === 'run' && run.args.bases).toEqual({
        flag: undefined,
        publicUrl: 'https://tunnel.example.com/',
      });
      process.env.PUBLIC_URL = 'tunnel.example.com';
      expect(mistakeOf(['agent', 'rotate-token', 'anna']).message).toMatch(
        /^PUBLIC_URL must be an http\(s\) URL/,
      );
    } finally {
      delete process.env.PUBLIC_URL;
    }
  });
});
