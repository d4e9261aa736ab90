import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { stackName } from '../lib/app.ts';
import { projectRoot } from '../lib/bridge-function.ts';

export interface FunctionBundle {
  /** The function's path in the construct tree, e.g. `Api/SendText`. */
  function: string;
  /** Its id in the construct tree, e.g. `SendText`: the route table's name for it. */
  name: string;
  /** The bundle's folder in the cloud assembly. */
  directory: string;
  /** `index.mjs`, what Lambda loads. */
  file: string;
  codeBytes: number;
  gzipBytes: number;
  /** Everything uploaded for the function, source map included. */
  totalBytes: number;
  /** The function's timeout in the template. */
  timeoutSeconds: number;
  /** The template's environment variables that are plain strings (references resolve only on deploy). */
  environment: Record<string, string>;
  /** The template's other environment variables: references that CloudFormation resolves on deploy. */
  deployTimeVariables: string[];
}

interface TemplateResource {
  Type: string;
  Metadata?: Record<string, string>;
  Properties?: { Timeout?: number; Environment?: { Variables?: Record<string, unknown> } };
}

/**
 * Each function of a synthesized cloud assembly (`cdk.out`) and the bundle `cdk deploy` uploads for it,
 * found through the template's asset metadata: the template, not the route table, says what exists.
 */
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
      const path = (metadata['aws:cdk:path'] ?? '').replace(`${stackName}/`, '').replace(/\/Resource$/, '');
      const file = join(directory, 'index.mjs');
      const variables = resource.Properties?.Environment?.Variables ?? {};
      return {
        function: path,
        name: path.split('/').at(-1) ?? path,
        directory,
        file,
        codeBytes: statSync(file).size,
        gzipBytes: gzipSync(readFileSync(file)).length,
        totalBytes: files.reduce((sum, size) => sum + size, 0),
        timeoutSeconds: resource.Properties?.Timeout ?? 3,
        environment: Object.fromEntries(
          Object.entries(variables).filter(
            (entry): entry is [string, string] => typeof entry[1] === 'string',
          ),
        ),
        deployTimeVariables: Object.keys(variables).filter((name) => typeof variables[name] !== 'string'),
      };
    });
}

/** The environment of a fresh clone in CI: no AWS credentials, no profile, nothing to look up online. */
export function offlineEnvironment(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return {
    ...env,
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_VERSION_CHECK: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

/** `cdk synth` as a fresh clone runs it, into `outputDir`: the template and every bundle `cdk deploy` uploads. */
export async function synthesizeOffline(outputDir: string): Promise<void> {
  const cdk = join(projectRoot, 'node_modules', '.bin', 'cdk');
  await promisify(execFile)(cdk, ['synth', '--quiet', '--no-notices', '--output', outputDir], {
    cwd: projectRoot,
    env: offlineEnvironment(),
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
