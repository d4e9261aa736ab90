import { resolve } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { publicUrlSetting } from '#config';
import { isHttpUrl } from '#domain/shared/base-url.ts';
import { type Args, type Command, type FlagName, flagKinds, UsageError, usageLine } from './command.ts';
import type { StoreFlags } from './store.ts';

/** The repository this tool belongs to: its `.data` is the default, wherever the tool is run from. */
const projectRoot = resolve(import.meta.dirname, '../..');

const globalOptions = {
  table: { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

const globalOptionsText = `Global options:
  --table T        DynamoDB table of a deployment (env TABLE_NAME); needs AWS credentials
  --region R       AWS region (env AWS_REGION)
  --endpoint U     DynamoDB endpoint (env DYNAMODB_ENDPOINT)
  --data-dir D     local data directory (env DATA_DIR, default .data in the repository)
  --json           machine-readable output
  -h, --help       show this help`;

/** The help text: every command of the table, then the global options. */
export function usageText(commands: Command[]): string {
  return `Usage: operator-bridge <command> [options]

Commands:
${commands.map((command) => `  ${usageLine(command)}`).join('\n')}

${globalOptionsText}

Without --table, the tool works on the local stack's store under the data directory.
Printed URLs use --base-url, else the running local stack, else PUBLIC_URL, else the channel's own base.
Destination ids and employee ids share one namespace and are never reused: a removed destination's id
stays reserved. destination remove refuses while agents list the destination or conversations are open
in it, unless --move-to names the destination that takes them over.
Exit codes: 0 done, 1 the bridge or its store refused or failed, 2 a mistake in the command line.
`;
}

/** One command's usage, for `--help` after it and for mistakes in its command line. */
export function commandUsage(command: Command): string {
  return `Usage: operator-bridge ${usageLine(command)}\n(operator-bridge --help lists every command and the global options)\n`;
}

/** Every flag of every command, each repeatable: the one parse finds the command, its declaration judges the rest. */
const commandFlagOptions: ParseArgsConfig['options'] = Object.fromEntries(
  Object.entries(flagKinds).map(([name, type]) => [name, { type, multiple: true }]),
);

/** parseArgs's complaints, in one line each. */
function parseComplaint(error: Error & { code?: string }): string {
  const option = /'(-[^' ]+)/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option ${option}`;
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    return error.message.includes('argument missing')
      ? `missing value for ${option}`
      : `${option} takes no value`;
  }
  return error.message.split('\n')[0] ?? 'invalid command line';
}

function parse(commands: Command[], argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { ...globalOptions, ...commandFlagOptions },
    });
  } catch (error) {
    if (!(error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw error;
    // The command, found without judging the options, so that its own usage is shown.
    const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: false });
    const [group, name] = positionals;
    const command = commands.find((c) => c.group === group && c.name === name);
    throw new UsageError(parseComplaint(error as Error), command);
  }
}

/** Edit distance, for suggesting the command a typo meant. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** `unknown command: x` with the nearest command, when one is near enough to be what was meant. */
function unknownCommand(commands: Command[], group: string, name: string | undefined): UsageError {
  const typed = [group, name].filter(Boolean).join(' ');
  if (commands.some((c) => c.group === group) && name === undefined) {
    const names = commands.filter((c) => c.group === group).map((c) => c.name);
    return new UsageError(`missing command after ${group}: one of ${names.join(', ')}`, undefined, true);
  }
  const [nearest] = commands
    .map((c) => `${c.group} ${c.name}`)
    .map((full, i) => ({ c: commands[i] as Command, d: full.startsWith(typed) ? 0 : distance(typed, full) }))
    .sort((x, y) => x.d - y.d);
  const close = nearest && nearest.d <= Math.max(2, Math.floor(typed.length / 3));
  return new UsageError(
    `unknown command: ${typed} (${close ? `did you mean: operator-bridge ${nearest.c.group} ${nearest.c.name}?` : 'operator-bridge --help lists every command'})`,
    undefined,
    true,
  );
}

export type Invocation =
  | { kind: 'help'; text: string }
  | { kind: 'run'; command: Command; args: Args; store: StoreFlags; json: boolean };

function urlFlag(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (!isHttpUrl(value)) {
    throw new UsageError(`${flag} must be an http(s) URL, such as https://bridge.example.com`);
  }
  return value;
}

/** The command and its arguments, checked against its declaration, or the help asked for. */
export function readCommandLine(commands: Command[], argv: string[]): Invocation {
  const { values, positionals } = parse(commands, argv);
  const [group, name, target, ...extra] = positionals;
  if (group === undefined) return { kind: 'help', text: usageText(commands) };
  const command = commands.find((c) => c.group === group && c.name === name);
  if (!command) {
    if (values.help && !commands.some((c) => c.group === group))
      return { kind: 'help', text: usageText(commands) };
    if (values.help) {
      const lines = commands.filter((c) => c.group === group).map((c) => `  operator-bridge ${usageLine(c)}`);
      return { kind: 'help', text: `Usage:\n${lines.join('\n')}\n` };
    }
    throw unknownCommand(commands, group, name);
  }
  if (values.help) return { kind: 'help', text: commandUsage(command) };
  try {
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
    if (command.target && !target) throw new UsageError(`missing ${command.target}`);
    if (!command.target && target !== undefined) throw new UsageError(`unexpected argument: ${target}`);
    // An explicit directory is relative to where the tool runs; the default is the repository's, as `npm start` uses.
    const dataDir = resolve(values['data-dir'] || process.env.DATA_DIR || resolve(projectRoot, '.data'));
    const flags = commandFlags(command, values);
    const args: Args = {
      target: target ?? '',
      flags: flags as Args['flags'],
      bases: {
        flag: urlFlag(flags['base-url'] as string | undefined, '--base-url'),
        publicUrl: urlFlag(publicUrlSetting(), 'PUBLIC_URL'),
      },
      dataDir,
    };
    command.check?.(args);
    return {
      kind: 'run',
      command,
      args,
      store: {
        table: values.table,
        region: values.region,
        endpoint: values.endpoint,
        dataDir,
        creates: command.creates === true,
      },
      json: values.json,
    };
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(error.message, command);
    throw error;
  }
}

/** The command's own flags as its `run` reads them; a flag it does not take is a usage error. */
function commandFlags(command: Command, values: Record<string, unknown>): Record<string, unknown> {
  const foreign = Object.keys(values).find((flag) => flag in flagKinds && !(flag in command.flags));
  if (foreign) throw new UsageError(`${command.group} ${command.name} does not take --${foreign}`);
  return Object.fromEntries(
    Object.entries(command.flags).map(([flag, use]) => {
      const given = values[flag] as (string | boolean)[] | undefined;
      if (flagKinds[flag as FlagName] === 'boolean') return [flag, given !== undefined];
      if (use === 'repeatable') return [flag, given ?? []];
      if (given && given.length > 1) throw new UsageError(`--${flag} given more than once`);
      if (use === 'required' && !given?.[0]) throw new UsageError(`missing --${flag}`);
      return [flag, given?.[0]];
    }),
  );
}
