import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SentRequest } from './dynamodb-meter.ts';
import { type Row, row } from './stats.ts';

const root = resolve(import.meta.dirname, '..');

interface Load {
  requestsPerSecond: number;
  total: number;
  p50: number;
  p99: number;
  errors: number;
}

/** Reads the first line a child prints, as JSON. */
function firstLine<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline >= 0) resolve(JSON.parse(out.slice(0, newline)) as T);
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code}: ${err.slice(0, 2000)}`)));
  });
}

/** A server process of `bench/servers.ts`, with each line it prints as JSON, in turn. */
async function server(kind: 'runtime' | 'floor', input?: string) {
  // `node --import tsx` rather than the tsx command, which would run the server in a second process.
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', join(root, 'bench', 'servers.ts'), kind],
    {
      cwd: root,
      env: { ...process.env, AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  child.stdin.end(input ?? '');
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const taker = waiting.shift();
      if (taker) taker(line);
      else lines.push(line);
    }
  });
  const nextLine = <T>() =>
    new Promise<T>((resolve) => {
      const line = lines.shift();
      if (line !== undefined) resolve(JSON.parse(line) as T);
      else waiting.push((next) => resolve(JSON.parse(next) as T));
    });
  const { url } = await Promise.race([
    nextLine<{ url: string }>(),
    new Promise<never>((_, reject) =>
      child.on('exit', (code) => reject(new Error(`${kind} exited: ${code}`))),
    ),
  ]);
  /** Memory after two full garbage collections (the runtime process answers SIGUSR2), in MiB. */
  const memoryAfterGc = async () => {
    const reply = nextLine<{ rss: number; heapUsed: number }>();
    child.kill('SIGUSR2');
    const { rss, heapUsed } = await reply;
    return { rss: rss / 1024 ** 2, heapUsed: heapUsed / 1024 ** 2 };
  };
  return { child, url, memoryAfterGc };
}

function load(options: {
  url: string;
  connections: number;
  duration?: number;
  amount?: number;
}): Promise<Load> {
  const child = spawn(process.execPath, [join(root, 'bench', 'load.mjs'), JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return firstLine<Load>(child);
}

/** Resident set size of a process now, and its peak so far (Linux `/proc`), in MiB. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/**
 * Rows 3 and 5: autocannon (16 connections) against the local runtime's `sendText`, and against the
 * floor, a bare `node:http` server that issues the same DynamoDB requests to its own dynalite; then
 * the runtime's memory: peak during that run, and after `messages` messages in all.
 */
export async function httpRows(options: {
  recorded: SentRequest[];
  duration: number;
  messages: number;
}): Promise<Row[]> {
  const [runtime, floor] = await Promise.allSettled([
    server('runtime'),
    server('floor', JSON.stringify(options.recorded)),
  ]).then((started) => {
    const [first, second] = started;
    if (first.status === 'fulfilled' && second.status === 'fulfilled') {
      return [first.value, second.value] as const;
    }
    for (const one of started) if (one.status === 'fulfilled') one.value.child.kill();
    throw new Error('a benchmark server did not start');
  });
  try {
    const pid = runtime.child.pid as number;
    const warmUp = Math.min(200, Math.ceil(options.messages / 10));
    await load({ url: `${runtime.url}/sendText`, connections: 16, amount: warmUp });
    await load({ url: floor.url, connections: 16, amount: warmUp });
    const warmed = await runtime.memoryAfterGc();
    const measured = await load({
      url: `${runtime.url}/sendText`,
      connections: 16,
      duration: options.duration,
    });
    const peak = memoryOf(pid).peak;
    const bare = await load({ url: floor.url, connections: 16, duration: options.duration });
    const rest = Math.max(0, options.messages - measured.total - warmUp);
    if (rest > 0) await load({ url: `${runtime.url}/sendText`, connections: 16, amount: rest });
    const after = await runtime.memoryAfterGc();
    const bytesPerMessage = options.recorded
      .filter((request) => request.commandName === 'PutItemCommand')
      .reduce((sum, request) => sum + Buffer.byteLength(JSON.stringify(request.input.Item ?? {})), 0);
    // The bench runs the runtime's dynalite in memory (`npm start` keeps it on disk): each item is
    // held as a JSON string (2 bytes a character) in the table and in up to both indexes.
    const dataMiB = (options.messages * bytesPerMessage * 2 * 3) / 1024 / 1024;
    return [
      row('HTTP sendText, 16 connections: requests per second', measured.requestsPerSecond, 'req/s', {
        floor: bare.requestsPerSecond,
        target: '≥ 0.7× floor',
        met: (_value, ratio) => ratio !== null && ratio >= 0.7,
      }),
      row('HTTP sendText p50', measured.p50, 'ms', { floor: bare.p50 }),
      row('HTTP sendText p99', measured.p99, 'ms', { floor: bare.p99 }),
      row('HTTP sendText errors (non-2xx, timeouts)', measured.errors, 'requests', {
        target: '= 0',
        met: (value) => value === 0,
      }),
      row('local runtime RSS, warmed up, after GC', warmed.rss, 'MiB'),
      row('local runtime peak RSS during the HTTP run', peak, 'MiB'),
      row(`local runtime RSS after ${options.messages} messages, after GC`, after.rss, 'MiB'),
      row(`local runtime heap after ${options.messages} messages, after GC`, after.heapUsed, 'MiB', {
        floor: warmed.heapUsed + dataMiB,
        target: '≤ warmed-up heap + the data it holds + 50 MiB',
        met: (value) => value <= warmed.heapUsed + dataMiB + 50,
      }),
    ];
  } finally {
    runtime.child.kill();
    floor.child.kill();
  }
}
