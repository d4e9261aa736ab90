import { join } from 'node:path';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/**
 * How every function is bundled, declared once: the CDK stack hands it to `NodejsFunction`, and the
 * bundle test and `npm run bench` build with esbuild from the same object (`esbuildOptions`), so what
 * they run is what `cdk deploy` uploads.
 */
export const functionBundling = {
  format: OutputFormat.ESM,
  target: 'node22',
  // Prefer packages' ESM builds, which esbuild can tree-shake.
  mainFields: ['module', 'main'],
  // The SDK bundled, so the code runs against the SDK version it was tested with.
  bundleAwsSDK: true,
  minify: true,
  // No source map: `--enable-source-maps` with a 3 MiB map cost every cold start (docs/benchmarks.md).
  // Names not kept either (about 20 KiB a bundle): our error classes set their own `name`, which is
  // what logs report; stack frames point at lines and columns of the minified `index.mjs`.
  sourceMap: false,
  keepNames: false,
  esbuildArgs: {
    '--alias': [
      // A Lambda's credentials are in its environment: only that provider, not the default chain.
      '@aws-sdk/credential-provider-node=./src/store/env-credentials.ts',
      // SDK code no function runs (each file says why): event streams, mnemonist's cache.
      '@smithy/core/event-streams=./lib/bundle-aliases/no-event-streams.ts',
      'mnemonist/lru-cache=./lib/bundle-aliases/lru-cache.ts',
    ],
  },
} as const satisfies BundlingOptions;

/**
 * The esbuild build that `NodejsFunction` runs for `functionBundling` (its `esbuild --bundle` command
 * line, as the JS API), for several functions at once: `outdir/<name>/index.mjs` for each entry of
 * `entries` (name to entry, relative to the project root). One build parses the shared modules once;
 * without code splitting each output is still the whole bundle of its function.
 */
export function esbuildOptions(
  projectRoot: string,
  entries: Record<string, string>,
  outdir: string,
): BuildOptions {
  const settings: BundlingOptions = functionBundling;
  return {
    absWorkingDir: projectRoot,
    entryPoints: Object.fromEntries(
      Object.entries(entries).map(([name, entry]) => [`${name}/index`, join(projectRoot, entry)]),
    ),
    outdir,
    outExtension: { '.js': settings.format === OutputFormat.ESM ? '.mjs' : '.js' },
    bundle: true,
    platform: 'node',
    format: settings.format,
    target: settings.target,
    mainFields: settings.mainFields,
    minify: settings.minify,
    sourcemap: settings.sourceMap,
    keepNames: settings.keepNames,
    alias: settings.esbuildArgs?.['--alias'] ? aliases(settings.esbuildArgs['--alias']) : undefined,
    banner: settings.banner ? { js: settings.banner } : undefined,
    metafile: true,
    logLevel: 'warning',
  };
}

/** `--alias` values as `NodejsFunction` passes them (`from=to`), as esbuild's `alias` object. */
function aliases(value: string | boolean | string[]): Record<string, string> {
  const list = Array.isArray(value) ? value : [String(value)];
  return Object.fromEntries(list.map((pair) => pair.split('=') as [string, string]));
}
