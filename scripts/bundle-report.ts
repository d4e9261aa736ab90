import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stackName } from '../lib/app.ts';

export interface FunctionBundle {
  /** The function's path in the construct tree, e.g. `Api/SendText`. */
  function: string;
  /** The bundle's folder in the cloud assembly. */
  directory: string;
  /** `index.mjs`, what Lambda loads. */
  codeBytes: number;
  /** Everything uploaded for the function, source map included. */
  totalBytes: number;
}

interface TemplateResource {
  Type: string;
  Metadata?: Record<string, string>;
}

/** Each function's bundle in a synthesized cloud assembly (`cdk.out`), found through the template's asset metadata. */
export function functionBundles(assemblyDir: string): FunctionBundle[] {
  const template = JSON.parse(readFileSync(join(assemblyDir, `${stackName}.template.json`), 'utf8')) as {
    Resources: Record<string, TemplateResource>;
  };
  return Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::Lambda::Function')
    .map((resource) => {
      const metadata = resource.Metadata ?? {};
      const directory = join(assemblyDir, metadata['aws:asset:path'] ?? '');
      const files = readdirSync(directory).map((file) => statSync(join(directory, file)).size);
      return {
        function: (metadata['aws:cdk:path'] ?? '').replace(`${stackName}/`, '').replace(/\/Resource$/, ''),
        directory,
        codeBytes: statSync(join(directory, 'index.mjs')).size,
        totalBytes: files.reduce((sum, size) => sum + size, 0),
      };
    });
}

export function formatBundleReport(bundles: FunctionBundle[]): string {
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`.padStart(9);
  const width = Math.max(...bundles.map((bundle) => bundle.function.length));
  const lines = bundles.map(
    (bundle) => `${bundle.function.padEnd(width)}  ${kib(bundle.codeBytes)}  ${kib(bundle.totalBytes)}`,
  );
  return [
    `${'function'.padEnd(width)}  ${'index.mjs'.padStart(9)}  ${'with map'.padStart(9)}`,
    ...lines,
  ].join('\n');
}

// `npm run bundle:report`: synthesizes, then prints the table for `cdk.out` (or the folder given).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(formatBundleReport(functionBundles(resolve(process.argv[2] ?? 'cdk.out'))));
}
