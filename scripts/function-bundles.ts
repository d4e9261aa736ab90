import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { deliveryFunctions, fallbackRoute, routes } from '#routes';
import { projectRoot } from '../lib/bridge-function.ts';
import { esbuildOptions } from '../lib/bundling.ts';

/** A function of the stack, by the name it has there. */
export interface StackFunction {
  name: string;
  entry: string;
}

/** Every function the CDK stack deploys: one per route, the fallback, and the two delivery triggers. */
export const stackFunctions: StackFunction[] = [
  ...routes.map(({ name, entry }) => ({ name, entry })),
  { name: fallbackRoute.name, entry: fallbackRoute.entry },
  ...Object.values(deliveryFunctions).map(({ name, entry }) => ({ name, entry })),
];

export interface BuiltBundle extends StackFunction {
  /** The bundle's `index.mjs`, what Lambda loads. */
  file: string;
  bytes: number;
  gzipBytes: number;
  metafile: Metafile;
}

/** Builds each function's bundle, with the stack's own esbuild settings, into `outDir/<name>/`. */
export async function buildBundles(outDir: string, functions = stackFunctions): Promise<BuiltBundle[]> {
  return Promise.all(
    functions.map(async (fn) => {
      const options = esbuildOptions(projectRoot, fn.entry, join(outDir, fn.name));
      const result = await build(options);
      const file = options.outfile as string;
      const code = await readFile(file);
      return {
        ...fn,
        file,
        bytes: code.length,
        gzipBytes: gzipSync(code).length,
        metafile: result.metafile as Metafile,
      };
    }),
  );
}

/**
 * Bytes of a bundle's output by where they came from: each npm package (scoped ones by scope and
 * name), and `ours` for the project's own sources. Largest first.
 */
export function bytesByPackage(metafile: Metafile): [string, number][] {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      // The innermost package: a nested copy counts for the package it is, not the one that needs it.
      const packages = [...input.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)];
      const name = packages.at(-1)?.[1] ?? 'ours';
      totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}
