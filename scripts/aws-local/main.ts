import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startBackends } from './backends.ts';
import { startAwsLocal } from './stack.ts';
import { synthesize } from './synthesize.ts';

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

async function main() {
  let cdkOut = values['cdk-out'] ? resolve(values['cdk-out']) : undefined;
  if (!cdkOut) {
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
