import { AppError } from '#domain/shared/errors.ts';
import { CommandFailure, type Output, UsageError } from './command.ts';
import { commandUsage, readCommandLine, usageText } from './command-line.ts';
import { commands } from './commands/index.ts';
import { openStore, type StoreFlags, storeProblem } from './store.ts';

/** The store of the command being run, for explaining a failure to reach it. */
let storeFlags: StoreFlags | undefined;

async function run(argv: string[]): Promise<number> {
  const invocation = readCommandLine(commands, argv);
  if (invocation.kind === 'help') {
    process.stdout.write(invocation.text);
    return 0;
  }
  const { command, args, json } = invocation;
  storeFlags = invocation.store;
  const store = await openStore(invocation.store);
  let output: Output;
  try {
    output = await command.run(store.deps, {
      ...args,
      bases: { ...args.bases, runningStack: store.runningStackUrl },
    });
  } finally {
    await store.close();
  }
  process.stdout.write(json ? `${JSON.stringify(output.data, null, 2)}\n` : `${output.text}\n`);
  return 0;
}

/**
 * Exit codes, as `--help` documents them: 2 for a mistake in the command line (with the command's
 * usage), 1 for anything the bridge or its store refused or could not do. Each error is one line.
 */
function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError) {
    const usage = error.alone ? '' : `\n${error.command ? commandUsage(error.command) : usageText(commands)}`;
    process.stderr.write(`error: ${error.message}\n${usage}`);
    return 2;
  }
  const problem = storeProblem(error, storeFlags);
  if (error instanceof AppError) process.stderr.write(`error: ${error.message} (${error.code})\n`);
  else if (error instanceof CommandFailure) process.stderr.write(`${error.message}\n`);
  else if (problem) process.stderr.write(`${problem}\n`);
  else process.stderr.write(`error: ${(error as Error).stack ?? String(error)}\n`);
  return 1;
}

process.exit(await run(process.argv.slice(2)).catch(exitCodeOf));
