import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type Args, type Command, type FlagName, flagKinds, UsageError, usageLine } from './command.ts';
import type { StoreFlags } from './store.ts';

const globalOptions = {
  table: { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

/** The help text: every command of the table, then the global options. */
export function usageText(commands: Command[]): string {
  return `Usage: operator-bridge <command> [options]

Commands:
${commands.map((command) => `  ${usageLine(command)}`).join('\n')}

Global options:
  --table T        DynamoDB table (env TABLE_NAME); without --endpoint, uses AWS
  --region R       AWS region (env AWS_REGION)
  --endpoint U     DynamoDB endpoint (env DYNAMODB_ENDPOINT)
  --data-dir D     local data directory (env DATA_DIR, default .data)
  --json           machine-readable output
  -h, --help       show this help

Base URL default: env OPERATOR_BRIDGE_URL, else http://localhost:3000.
`;
}

/** Every flag of every command, each repeatable: the one parse finds the command, its declaration judges the rest. */
const commandFlagOptions: ParseArgsConfig['options'] = Object.fromEntries(
  Object.entries(flagKinds).map(([name, type]) => [name, { type, multiple: true }]),
);

/** parseArgs, with its complaints (unknown option, missing value) as usage errors. */
function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { ...globalOptions, ...commandFlagOptions },
    });
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError((error as Error).message);
    }
    throw error;
  }
}

export interface Invocation {
  command: Command;
  args: Args;
  store: StoreFlags;
  json: boolean;
}

/** The command and its arguments, checked against its declaration; undefined when help is asked for. */
export function readCommandLine(commands: Command[], argv: string[]): Invocation | undefined {
  const { values, positionals } = parse(argv);
  if (values.help || positionals.length === 0) return undefined;
  const [group, name, target, ...extra] = positionals;
  const command = commands.find((c) => c.group === group && c.name === name);
  if (!command) throw new UsageError(`unknown command: ${positionals.join(' ')}`);
  try {
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
    if (command.target && !target) throw new UsageError(`missing ${command.target}`);
    if (!command.target && target !== undefined) throw new UsageError(`unexpected argument: ${target}`);
    const dataDir = values['data-dir'] || process.env.DATA_DIR || '.data';
    const flags = commandFlags(command, values);
    const baseUrl = flags['base-url'] || process.env.OPERATOR_BRIDGE_URL || 'http://localhost:3000';
    const args: Args = {
      target: target ?? '',
      flags: flags as Args['flags'],
      baseUrl: String(baseUrl),
      dataDir,
    };
    command.check?.(args);
    return {
      command,
      args,
      store: { table: values.table, region: values.region, endpoint: values.endpoint, dataDir },
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
