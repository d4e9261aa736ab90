import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LocalStackInfo } from '#local/stack.ts';
import { stackName } from '../lib/app.ts';
import { projectRoot } from '../lib/bridge-function.ts';
import { type Template, withoutWebSocketApis } from './sam-template.ts';

/**
 * `npm run sam:api`: serves the synthesized template's HTTP routes with `sam local start-api`, each
 * route in its own Lambda container running the bundled function, against the embedded store of a
 * running `npm start` (whose delivery loop also delivers what these functions write to the outbox).
 * SAM CLI gets the template without the WebSocket API, whose `$connect` and `$disconnect` it cannot
 * parse; docs/deploying.md says what else `sam local` does not emulate.
 */
const dataDir = resolve(process.env.DATA_DIR ?? '.data');
const port = process.env.SAM_PORT ?? '3001';
// Lambda containers reach the host under this name, not as 127.0.0.1 (their own loopback).
const dockerHost = process.env.SAM_DOCKER_HOST ?? 'host.docker.internal';
const outputDir = join(projectRoot, '.sam-local');

/** Whether a program runs and exits 0; a missing one (ENOENT) does not. */
function runs(program: string, args: string[]): boolean {
  try {
    execFileSync(program, args, { stdio: 'ignore', timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

function readLocalStack(): LocalStackInfo | undefined {
  try {
    return JSON.parse(readFileSync(join(dataDir, 'local-stack.json'), 'utf8')) as LocalStackInfo;
  } catch {
    return undefined;
  }
}

// Everything it needs, checked before the 20 seconds of synthesis, each missing one with how to get it.
const found = readLocalStack();
const problems = [
  ...(runs('sam', ['--version'])
    ? []
    : [
        'The AWS SAM CLI (sam) is not installed: https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/install-sam-cli.html',
      ]),
  ...(runs('docker', ['info'])
    ? []
    : ['Docker is not running (docker info fails): start Docker Desktop, or the Docker Engine service']),
  ...(found && (await answers(found.dynamodbEndpoint))
    ? []
    : [`No local stack is running on ${dataDir}: start it first with npm start (in another terminal)`]),
];
if (problems.length > 0 || !found) {
  for (const problem of problems) console.error(problem);
  process.exit(1);
}
const local = found;
const endpoint = new URL(local.dynamodbEndpoint);
endpoint.hostname = dockerHost;

console.log('Synthesizing the stack for sam local...');
execFileSync(
  join(projectRoot, 'node_modules', '.bin', 'cdk'),
  [
    'synth',
    '--quiet',
    '--no-notices',
    '--output',
    outputDir,
    '--context',
    `localDynamoDbEndpoint=${endpoint.origin}`,
  ],
  { cwd: projectRoot, stdio: 'inherit' },
);

const samTemplate = join(outputDir, `${stackName}.sam.template.json`);
const synthesized = JSON.parse(
  readFileSync(join(outputDir, `${stackName}.template.json`), 'utf8'),
) as Template;
writeFileSync(samTemplate, `${JSON.stringify(withoutWebSocketApis(synthesized), null, 1)}\n`);

// SAM overrides only variables the template declares; TABLE_NAME there is a CloudFormation reference.
const envFile = join(outputDir, 'sam-env.json');
writeFileSync(
  envFile,
  `${JSON.stringify({ Parameters: { TABLE_NAME: local.tableName, ALLOW_PRIVATE_WEBHOOKS: 'true' } }, null, 2)}\n`,
);

const base = `http://127.0.0.1:${port}`;
console.log(`
  Operator API URL: ${base}/operator/${local.channelToken}
  Agent API:        ${base}/agent  (Authorization: Bearer ${local.agentToken})
`);
const samArgs = [
  'local',
  'start-api',
  '--template',
  samTemplate,
  '--env-vars',
  envFile,
  '--port',
  port,
  ...(process.env.SAM_DOCKER_NETWORK ? ['--docker-network', process.env.SAM_DOCKER_NETWORK] : []),
];
const sam = spawn('sam', samArgs, { stdio: 'inherit' });
sam.on('error', (error) => {
  console.error(`Could not run sam (${error.message}): install the AWS SAM CLI and Docker.`);
  process.exit(1);
});
sam.on('exit', (code) => process.exit(code ?? 0));
