import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBackends } from '../../scripts/aws-local/backends.ts';
import { synthesize } from '../../scripts/aws-local/synthesize.ts';

/**
 * `npm run test:deployed` without DEPLOYED_API_URL: the stack synthesized once for the run (its
 * bundles built as `cdk deploy` uploads them) and the emulators it runs on (DynamoDB Local and moto),
 * shared by the test files, each of which deploys the template into them with a table and queues of
 * its own (test/deployed/deployment.ts). `AWS_LOCAL_CDK_OUT` reuses a synthesized `cdk.out`, or names an
 * empty directory to synthesize into and keep (CI synthesizes once for both deployed suites).
 */
export const synthContext = ['retentionDays=2', 'retainData=false', 'deliveryScheduleSeconds=0,2,4,8'];

export default async function setup() {
  if (process.env.DEPLOYED_API_URL) return undefined;
  const started = performance.now();
  let temporary: string | undefined;
  const given = process.env.AWS_LOCAL_CDK_OUT;
  if (!given) {
    temporary = mkdtempSync(join(tmpdir(), 'operator-bridge-deployed-'));
    synthesize(temporary, synthContext);
    process.env.AWS_LOCAL_CDK_OUT = temporary;
  } else if (!existsSync(join(given, 'manifest.json'))) {
    // An empty directory: synthesized into and kept, for the next suite of the run (see .ci/run).
    synthesize(given, synthContext);
  }
  const synthesized = performance.now();
  const backends = await startBackends();
  process.env.AWS_LOCAL_DYNAMODB_ENDPOINT = backends.dynamodbEndpoint;
  process.env.AWS_LOCAL_SQS_ENDPOINT = backends.sqsEndpoint;
  console.log(
    `deployed suite: synth ${((synthesized - started) / 1000).toFixed(1)} s, emulators ${((performance.now() - synthesized) / 1000).toFixed(1)} s`,
  );
  return async () => {
    await backends.stop();
    if (temporary) rmSync(temporary, { recursive: true, force: true });
  };
}
