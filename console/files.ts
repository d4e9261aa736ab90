import { buildConsole, type ConsoleFiles } from './build.ts';

export type { ConsoleFile, ConsoleFiles } from './build.ts';

let built: ConsoleFiles | undefined;

/**
 * The console's files, built on first use: what the local runtime and the tests serve. A deployed
 * function gets a module with the same export whose files were built at synthesis and embedded in its
 * bundle (see `lib/console-files.ts`).
 */
export function consoleFiles(): ConsoleFiles {
  built ??= buildConsole();
  return built;
}
