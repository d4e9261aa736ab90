import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startBackends } from './backends.ts';
import { startAwsLocal } from './stack.ts';

/**
 * `npm run stack:aws-local`: synthesizes the stack (or reads `--cdk-out`) and runs the template on this
 * machine, as `cdk deploy` would wire it in AWS, until interrupted.
 *
 *   npm run stack:aws-local -- [--cdk-out dir] [--port 3000] [-c key=value ...] [--logs]
 */
const { values } = parseArgs({
  options: {
    'cdk-out': { type: 'string' },
    port: { type: 'string', default: '0' },
    context: { type: 'string', short: 'c', multiple: true, default: [] },
    logs: { type: 'boolean', default: false },
  },
});

export function synthesize(outDir: string, context: string[]): void {
  const projectRoot = resolve(import.meta.dirname, '../..');
  execFileSync(
    resolve(projectRoot, 'node_modules/.bin/cdk'),
    ['synth', '--quiet', '--no-notices', '--output', outDir, ...context.flatMap((pair) => ['-c', pair])],
    {
      cwd: projectRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true' },
    },
  );
}

async function main() {
  let cdkOut = values['cdk-out'] ? resolve(values['cdk-out']) : undefined;
  if (!cdkOut) {
    // An absolute output directory: the console's embedded files are aliased by path (see lib/console-files.ts).
    cdkOut = resolve('cdk.out');
    console.error(`cdk synth into ${cdkOut} ...`);
    synthesize(cdkOut, values.context);
  }
  const backends = await startBackends();
  const port = Number(values.port);
  const stack = await startAwsLocal({
    cdkOut,
    dynamodbEndpoint: backends.dynamodbEndpoint,
    sqsEndpoint: backends.sqsEndpoint,
    environmentOverrides: { ALLOW_PRIVATE_WEBHOOKS: 'true' },
    ports: port ? { http: port, webSocket: port + 1, management: port + 2 } : undefined,
    echoLogs: values.logs,
    schedules: true,
  });
  console.log(
    JSON.stringify(
      {
        apiUrl: stack.apiUrl,
        consoleUrl: stack.consoleUrl,
        liveUrl: stack.liveUrl,
        managementUrl: stack.managementUrl,
        tableName: stack.tableName,
        dynamodbEndpoint: stack.dynamodbEndpoint,
        functions: stack.functions.size,
        streamMappings: stack.streamMappings.map((m) => ({
          function: m.spec.fn.spec.logicalId,
          disabled: m.stats.disabledBecause,
        })),
        queueMappings: stack.queueMappings.map((m) => ({
          function: m.spec.fn.spec.logicalId,
          disabled: m.stats.disabledBecause,
        })),
        schedules: stack.schedules.map((s) => s.expression),
      },
      null,
      2,
    ),
  );
  const stop = async () => {
    await stack.stop();
    await backends.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
