import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const projectRoot = resolve(import.meta.dirname, '../..');

/**
 * `cdk synth` into `outDir` with these `-c key=value` pairs, offline (no AWS credentials needed). The
 * directory must be absolute: the console's embedded files are aliased by path (lib/console-files.ts),
 * and a relative `cdk.out` makes esbuild read the alias as a package name.
 */
export function synthesize(outDir: string, context: string[] = []): void {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  execFileSync(
    resolve(projectRoot, 'node_modules/.bin/cdk'),
    [
      'synth',
      '--quiet',
      '--no-notices',
      '--output',
      resolve(outDir),
      ...context.flatMap((pair) => ['-c', pair]),
    ],
    {
      cwd: projectRoot,
      // esbuild's progress goes to stderr: kept for the error, quiet otherwise.
      stdio: ['ignore', 'ignore', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
      env: {
        ...env,
        CDK_DISABLE_VERSION_CHECK: 'true',
        CDK_DISABLE_CLI_TELEMETRY: 'true',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    },
  );
}
