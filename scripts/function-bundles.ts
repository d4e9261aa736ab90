import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { deliveryFunctions, fallbackRoute, routes } from '#api/routes.ts';
import { projectRoot } from '../lib/bridge-function.ts';
import { esbuildOptions } from '../lib/bundling.ts';
import { consoleFilesModule } from '../lib/console-files.ts';

/** A function of the stack, by the name it has there. */
export interface StackFunction {
  name: string;
  entry: string;
}

/** Every function the CDK stack deploys: one per route, the fallback, and the two delivery triggers. */
const stackFunctions: StackFunction[] = [
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

/** Builds each function's bundle, with the stack's own esbuild settings, into `outDir/<name>/index.mjs`. */
export async function buildBundles(outDir: string, functions = stackFunctions): Promise<BuiltBundle[]> {
  const options = esbuildOptions(
    projectRoot,
    Object.fromEntries(functions.map((fn) => [fn.name, fn.entry])),
    outDir,
  );
  // As the stack does for the console's functions: its files built into a module their bundle embeds.
  const consoleModule = join(outDir, 'console-files.mjs');
  await mkdir(outDir, { recursive: true });
  await writeFile(consoleModule, consoleFilesModule());
  options.alias = { ...options.alias, '#console-files': consoleModule };
  const { metafile } = await build(options);
  const outputs = Object.entries(metafile?.outputs ?? {});
  return Promise.all(
    functions.map(async (fn) => {
      const file = join(outDir, fn.name, `index${options.outExtension?.['.js'] ?? '.js'}`);
      const code = await readFile(file);
      const own = outputs.filter(([path]) =>
        resolve(projectRoot, path).startsWith(join(outDir, fn.name, '/')),
      );
      return {
        ...fn,
        file,
        bytes: code.length,
        gzipBytes: gzipSync(code).length,
        metafile: { inputs: {}, outputs: Object.fromEntries(own) },
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

/**
 * The environment Lambda gives a function (credentials in variables, as an execution role's), with the
 * stack's own settings, and the table reached at `dynamodbEndpoint` through the SDK's endpoint variable:
 * the bundle signs with the environment's credentials exactly as it does in AWS.
 */
export function lambdaEnvironment(
  fn: { name: string },
  dynamodbEndpoint: string,
  settings: Record<string, string>,
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'ASIALOCALBUNDLETEST',
    AWS_SECRET_ACCESS_KEY: 'local-secret',
    AWS_SESSION_TOKEN: 'local-session',
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
    AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
    ...settings,
  };
}

export interface BundleRun {
  importMs: number;
  invocations: { ms: number; result?: unknown; error?: string }[];
  /** What the function logged: the JSON lines it wrote to stdout. */
  logs: string;
  /** What Node.js itself wrote to stderr (warnings). */
  stderr: string;
}

/**
 * Imports a bundle in a fresh `node` process and invokes its handler with each event in turn, with
 * the function's timeout in the context (`getRemainingTimeInMillis`).
 */
export async function invokeBundle(
  file: string,
  events: unknown[],
  env: Record<string, string>,
  timeoutSeconds = 10,
): Promise<BundleRun> {
  const child = spawn(process.execPath, [invoker, file, String(timeoutSeconds)], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(JSON.stringify(events));
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const lines = stdout.trimEnd().split('\n');
  const last = lines.pop() ?? '';
  if (code !== 0 || !last.startsWith('{"importMs"')) {
    throw new Error(`${file} exited with ${code}:\n${stderr}\n${stdout}`.slice(0, 4000));
  }
  return { ...(JSON.parse(last) as Omit<BundleRun, 'logs' | 'stderr'>), logs: lines.join('\n'), stderr };
}

const invoker = join(import.meta.dirname, 'invoke-bundle.mjs');
