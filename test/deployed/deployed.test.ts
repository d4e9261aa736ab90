import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Wired as Deps, defaultDeps } from '#deps';
import { withoutTrailingSlashes } from '#domain/shared/base-url.ts';
import { agentApiCases } from '../cases/agent-api.cases.ts';
import { operatorApiCases } from '../cases/operator-api.cases.ts';
import { retryCases } from '../cases/retry.cases.ts';
import { type Client, httpClient } from '../support/clients.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';
import { type Deployment, deploy } from './deployment.ts';

/**
 * The same HTTP cases against the deployed stack: by default the synthesized template run on this
 * machine (scripts/aws-local); with DEPLOYED_API_URL, a stack in AWS (the stack's API base URL) and
 * the table the command-line tool uses (TABLE_NAME, AWS_REGION and AWS credentials), where the cases
 * create their own channels, destinations and agents. The retry cases need a webhook receiver the
 * deployment can reach, so they run locally only.
 */
const remoteUrl = process.env.DEPLOYED_API_URL && withoutTrailingSlashes(process.env.DEPLOYED_API_URL);
if (remoteUrl && !process.env.TABLE_NAME) {
  throw new Error(
    'Set TABLE_NAME (with AWS_REGION and credentials) with DEPLOYED_API_URL to test a deployment',
  );
}

let client: Client;
let deps: Deps;
let deployment: Deployment | undefined;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  if (remoteUrl) {
    client = httpClient(remoteUrl);
    deps = defaultDeps();
    return;
  }
  deployment = await deploy();
  ({ client, deps } = deployment);
});

afterAll(async () => {
  await deployment?.stop();
  await receiver?.close();
});

const where = remoteUrl ?? 'the template deployed locally';

describe(`Operator API at ${where}`, () => {
  operatorApiCases(() => ({ client, deps }));
});

describe(`Agent API at ${where}`, () => {
  agentApiCases(() => ({ client, deps }));
});

describe.skipIf(Boolean(remoteUrl))(`An agent's retry at ${where}: a redrive through the stream`, () => {
  retryCases(() => ({ client, deps, receiver }));
});

describe.skipIf(Boolean(remoteUrl))(`The roles at ${where}`, () => {
  it('allowed every call the cases made: each function stays within its actions and partitions', async () => {
    // Act
    await deployment?.stack.settle();
    // Assess
    expect(deployment?.stack.principals.calls.size).toBeGreaterThan(0);
    expect(deployment?.stack.principals.denials).toEqual([]);
  });
});
