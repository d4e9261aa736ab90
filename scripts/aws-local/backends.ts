import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import startDynamoDbLocal from '../../test/support/dynamodb-local/global-setup.ts';

/**
 * The emulators behind the local deployment: AWS's DynamoDB Local (tables, indexes, transactions and
 * the Streams API; the launcher the DynamoDB Local test suite uses) and moto's server for SQS. Moto
 * rather than fauxqs: fauxqs needs Node.js 22 and these machines run 20, and moto (already on the
 * machines' Python) implements the parts the stack uses: delay, visibility timeout, redrive to a
 * dead-letter queue after `maxReceiveCount`, and the JSON protocol the SDK speaks.
 */
export interface Backends {
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  stop(): Promise<void>;
}

export async function startBackends(): Promise<Backends> {
  const [stopDynamoDb, moto] = await Promise.all([startDynamoDbLocal(), startMoto()]);
  const dynamodbEndpoint = process.env.TEST_DYNAMODB_ENDPOINT as string;
  return {
    dynamodbEndpoint,
    sqsEndpoint: moto.url,
    async stop() {
      await Promise.all([stopDynamoDb(), moto.stop()]);
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startMoto(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: 'true' },
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (output.length < 4000) output += chunk.toString();
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`moto exited with ${code}: ${output}`))),
  );
  exited.catch(() => {});
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const up = await fetch(`${url}/moto-api/`).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`moto did not start: ${output}`);
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 200)), exited]);
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
