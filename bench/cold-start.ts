import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import type { FunctionBundle } from '../scripts/bundle-report.ts';
import { type BundleRun, invokeBundle, lambdaEnvironment } from '../scripts/function-bundles.ts';
import { median, type Row, row } from './stats.ts';

const KiB = 1024;

/** Wall time of one fresh `node` process running `script`, from spawn to exit. */
function processMs(script: string, env: Record<string, string>): number {
  const start = performance.now();
  const { status, stderr } = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8' });
  const elapsed = performance.now() - start;
  if (status !== 0) throw new Error(`node -e failed: ${stderr}`);
  return elapsed;
}

/**
 * Row 1: each bundle's size, raw and gzip; the time a fresh `node` takes to import it, against a
 * bare `node -e 0` run right before it (`runs` of each, interleaved, medians); and the first
 * invocation after the import, with its first DynamoDB connection, against the second.
 */
export async function coldStartRows(options: {
  /** Every function of the synthesized template, with the bundle in `cdk.out`. */
  bundles: (FunctionBundle & { bytes: number })[];
  /** Functions whose import and invocations are timed (all in a full run). */
  timed: string[];
  runs: number;
  events: Record<string, unknown[]>;
  dynamodbEndpoint: string;
  /** A function's environment beyond what Lambda sets: the template's settings, and the test's. */
  settings: (bundle: FunctionBundle) => Record<string, string>;
}): Promise<{ rows: Row[]; runs: Map<string, BundleRun> }> {
  const rows: Row[] = [];
  for (const bundle of options.bundles) {
    rows.push(
      row(`bundle size: ${bundle.name}`, bundle.bytes / KiB, 'KiB', {
        target: '≤ 300 KiB',
        met: (value) => value <= 300,
      }),
      row(`bundle size gzip: ${bundle.name}`, bundle.gzipBytes / KiB, 'KiB'),
    );
  }
  const timed = options.bundles.filter((bundle) => options.timed.includes(bundle.name));
  const bare = { PATH: process.env.PATH ?? '' };
  const samples = new Map(
    timed.map((bundle) => [bundle.name, { bare: [] as number[], bundle: [] as number[] }]),
  );
  for (let i = 0; i < options.runs; i++) {
    for (const bundle of timed) {
      const env = lambdaEnvironment(bundle, options.dynamodbEndpoint, options.settings(bundle));
      const sample = samples.get(bundle.name);
      sample?.bare.push(processMs('0', bare));
      sample?.bundle.push(processMs(`import(${JSON.stringify(pathToFileURL(bundle.file).href)})`, env));
    }
  }
  for (const bundle of timed) {
    const sample = samples.get(bundle.name);
    if (!sample) continue;
    rows.push(
      row(`cold start, import: ${bundle.name}`, median(sample.bundle), 'ms', {
        floor: median(sample.bare),
        target: '≤ 1.5× floor',
        met: (_value, ratio) => ratio !== null && ratio <= 1.5,
      }),
    );
  }
  const runs = new Map<string, BundleRun>();
  for (const bundle of timed) {
    const env = lambdaEnvironment(bundle, options.dynamodbEndpoint, options.settings(bundle));
    const run = await invokeBundle(
      bundle.file,
      options.events[bundle.name] ?? [],
      env,
      bundle.timeoutSeconds,
    );
    runs.set(bundle.name, run);
    const [first, second] = run.invocations;
    if (!first || !second) continue;
    rows.push(
      row(`first invocation (second as floor): ${bundle.name}`, first.ms, 'ms', { floor: second.ms }),
    );
  }
  return { rows, runs };
}
