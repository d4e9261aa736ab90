import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryFunctions, liveRoutes, routes } from '#routes';
import { stackName } from '../../lib/app.ts';
import { projectRoot } from '../../lib/bridge-function.ts';
import { type FunctionBundle, formatBundleReport, functionBundles } from '../../scripts/bundle-report.ts';

const outputDir = mkdtempSync(join(tmpdir(), 'operator-bridge-synth-'));
let bundles: FunctionBundle[];

/** The environment of a fresh clone in CI: no AWS credentials, no profile, nothing to look up online. */
function offlineEnvironment(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return {
    ...env,
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_VERSION_CHECK: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

beforeAll(async () => {
  const cdk = join(projectRoot, 'node_modules', '.bin', 'cdk');
  const started = performance.now();
  await promisify(execFile)(cdk, ['synth', '--quiet', '--no-notices', '--output', outputDir], {
    cwd: projectRoot,
    env: offlineEnvironment(),
  });
  bundles = functionBundles(outputDir);
  console.log(
    `cdk synth: ${((performance.now() - started) / 1000).toFixed(1)} s\n${formatBundleReport(bundles)}`,
  );
}, 180_000);

afterAll(() => rmSync(outputDir, { recursive: true, force: true }));

describe('cdk synth, as a fresh clone runs it', () => {
  it('writes a template, with cdk-nag passing (a finding would have failed the command)', () => {
    const template = JSON.parse(readFileSync(join(outputDir, `${stackName}.template.json`), 'utf8'));
    expect(Object.keys(template.Resources).length).toBeGreaterThan(0);
  });

  it('is environment-agnostic without credentials: no region written in, although the CLI defaults one', () => {
    const text = readFileSync(join(outputDir, `${stackName}.template.json`), 'utf8');
    expect(text).not.toMatch(/(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d/);
    expect(text).toMatch(/"Ref":\s*"AWS::Region"/);
  });

  it('bundles every function, and the template says where each bundle is (what `sam local` needs)', () => {
    expect(bundles).toHaveLength(
      routes.length + 1 + Object.keys(deliveryFunctions).length + liveRoutes.length + 1,
    );
    for (const bundle of bundles) expect(bundle.codeBytes, bundle.function).toBeGreaterThan(0);
  });

  it('makes bundles that load as ES modules and export the handler', async () => {
    // In a plain Node.js process, as Lambda loads them, rather than through vitest's module loader.
    const modules = bundles.map((bundle) => pathToFileURL(join(bundle.directory, 'index.mjs')).href);
    const probe = `for (const url of ${JSON.stringify(modules)}) console.log(typeof (await import(url)).handler);`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '--eval', probe], {
      env: { ...offlineEnvironment(), TABLE_NAME: 'operator-bridge', AWS_REGION: 'us-east-1' },
    });
    expect(stdout.trim().split('\n')).toEqual(bundles.map(() => 'function'));
  });
});
