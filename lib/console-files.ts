import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Stack, Stage } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { buildConsole } from '../console/build.ts';

const written = new Map<string, string>();

/** The source of a module with the export of `console/files.ts`, the console's files built in. */
export function consoleFilesModule(): string {
  return `const files = ${JSON.stringify(buildConsole())};\nexport function consoleFiles() {\n  return files;\n}\n`;
}

/**
 * The esbuild arguments that embed the agent console in a function's bundle: the console is built once
 * per synthesis into a module with the export of `console/files.ts`, and `#console-files` is aliased to
 * it, so the function serves its files from memory. Nothing is built when the stack is not bundled.
 */
export function embeddedConsoleArgs(scope: Construct): Record<string, string> {
  if (!Stack.of(scope).bundlingRequired) return {};
  // Absolute: esbuild reads an alias without `./` as a package name, and `cdk synth` alone gives `cdk.out`.
  const directory = resolve(Stage.of(scope)?.outdir ?? '.', 'console-build');
  let module = written.get(directory);
  if (!module) {
    module = join(directory, 'console-files.mjs');
    mkdirSync(directory, { recursive: true });
    writeFileSync(module, consoleFilesModule());
    written.set(directory, module);
  }
  return { '--alias:#console-files': module };
}
