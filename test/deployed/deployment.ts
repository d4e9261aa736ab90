import { loadConfig } from '#config';
import { buildDeps, type Wired as Deps } from '#deps';
import { createDb } from '#store/table.ts';
import { type AwsLocal, readTemplate, startAwsLocal } from '../../scripts/aws-local/stack.ts';
import type { Template } from '../../scripts/aws-local/template.ts';
import { type Client, httpClient } from '../support/clients.ts';

/**
 * The synthesized template deployed on the emulators of the run (see global-setup.ts), as a test file
 * uses it: the HTTP API's client, and the store as the command-line tool reaches it (straight to the
 * table, as `operator-bridge --table` does with the user's credentials) to create channels and agents.
 * `change` edits a copy of the template first: a grant removed, a filter changed.
 */
export interface Deployment {
  stack: AwsLocal;
  client: Client;
  deps: Deps;
  stop(): Promise<void>;
}

export function deployedTemplate(): Template {
  return readTemplate(cdkOut());
}

function cdkOut(): string {
  const dir = process.env.AWS_LOCAL_CDK_OUT;
  if (!dir) throw new Error('AWS_LOCAL_CDK_OUT is unset: run through `npm run test:deployed`');
  return dir;
}

export async function deploy(change?: (template: Template) => void): Promise<Deployment> {
  const template = deployedTemplate();
  change?.(template);
  const stack = await startAwsLocal({
    cdkOut: cdkOut(),
    template,
    dynamodbEndpoint: process.env.AWS_LOCAL_DYNAMODB_ENDPOINT as string,
    sqsEndpoint: process.env.AWS_LOCAL_SQS_ENDPOINT as string,
    // The webhook receiver is on loopback, which a deployment refuses.
    environmentOverrides: { ALLOW_PRIVATE_WEBHOOKS: 'true' },
    echoLogs: process.env.AWS_LOCAL_LOGS === '1',
  });
  process.env.TABLE_NAME = stack.tableName;
  process.env.DYNAMODB_ENDPOINT = stack.dynamodbEndpoint;
  process.env.ALLOW_PRIVATE_WEBHOOKS = 'true';
  process.env.AWS_REGION = 'us-east-1';
  // Built here rather than by `defaultDeps()`, which keeps the first table it sees for the process.
  const config = loadConfig();
  const db = createDb(config);
  const deps: Deps = { ...buildDeps({ config, db }), outboxWritten: () => {} };
  return { stack, client: httpClient(stack.apiUrl), deps, stop: () => stack.stop() };
}
