import { describe } from 'vitest';
import { defaultDeps } from '#deps';
import { agentApiCases } from '../cases/agent-api.cases.ts';
import { operatorApiCases } from '../cases/operator-api.cases.ts';
import { httpClient } from '../support/clients.ts';

/**
 * The same HTTP cases against a deployed stack: `npm run test:deployed` with OPERATOR_BRIDGE_URL
 * (the stack's API base URL) and the table the command-line tool uses (TABLE_NAME, AWS_REGION and
 * AWS credentials), where the cases create their own channels, destinations and agents, and a
 * public TEST_WEBHOOK_URL (a deployment refuses private webhook addresses).
 */
const baseUrl = process.env.OPERATOR_BRIDGE_URL;
if (!baseUrl || !process.env.TABLE_NAME) {
  throw new Error(
    'Set OPERATOR_BRIDGE_URL and TABLE_NAME (with AWS_REGION and credentials) to test a deployment',
  );
}
const client = httpClient(baseUrl.replace(/\/+$/, ''));
const deps = defaultDeps();

describe(`Operator API at ${baseUrl}`, () => {
  operatorApiCases(() => ({ client, deps }));
});

describe(`Agent API at ${baseUrl}`, () => {
  agentApiCases(() => ({ client, deps }));
});
