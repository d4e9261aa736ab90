import { AppError } from '#domain/errors.ts';
import { type Command, CommandFailure, type Output, UsageError, usageLine } from './command.ts';
import { readCommandLine, usageText } from './command-line.ts';
import { agentCommands } from './commands/agent.ts';
import { channelCommands } from './commands/channel.ts';
import { destinationCommands } from './commands/destination.ts';
import { eventCommands } from './commands/events.ts';
import { openStore } from './store.ts';

const commands: Command[] = [...channelCommands, ...destinationCommands, ...agentCommands, ...eventCommands];

const usage = usageText(commands);

async function run(argv: string[]): Promise<number> {
  const invocation = readCommandLine(commands, argv);
  if (!invocation) {
    process.stdout.write(usage);
    return 0;
  }
  const { command, args, json } = invocation;
  let output: Output;
  if (command.store) {
    const store = await openStore(invocation.store);
    try {
      output = await command.run(store.deps, args);
    } finally {
      await store.close();
    }
  } else {
    output = await command.run(args);
  }
  process.stdout.write(json ? `${JSON.stringify(output.data, null, 2)}\n` : `${output.text}\n`);
  return 0;
}

function usageOf(error: UsageError): string {
  if (!error.command) return usage;
  return `Usage: operator-bridge ${usageLine(error.command)}\n(operator-bridge --help lists every command and the global options)\n`;
}

/** Usage errors exit 2; domain errors (a stable code) and anything else exit 1. */
function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError) {
    process.stderr.write(`error: ${error.message}\n\n${usageOf(error)}`);
    return 2;
  }
  if (error instanceof AppError) process.stderr.write(`error: ${error.message} (${error.code})\n`);
  else if (error instanceof CommandFailure) process.stderr.write(`${error.message}\n`);
  else process.stderr.write(`error: ${(error as Error).stack ?? String(error)}\n`);
  return 1;
}

process.exit(await run(process.argv.slice(2)).catch(exitCodeOf));
