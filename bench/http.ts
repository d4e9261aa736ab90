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

async function server(kind: 'runtime' | 'floor', input?: string) {
  // `node --import tsx` rather than the tsx command, which would run the server in a second process.
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench', 'servers.ts'), kind], {
    cwd: root,
    env: { ...process.env, AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(input ?? '');
  const { url } = await firstLine<{ url: string }>(child);
  return { child, url };
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
  const [runtime, floor] = await Promise.all([
    server('runtime'),
    server('floor', JSON.stringify(options.recorded)),
  ]);
  try {
    const pid = runtime.child.pid as number;
    const warmUp = Math.min(200, Math.ceil(options.messages / 10));
    await load({ url: `${runtime.url}/sendText`, connections: 16, amount: warmUp });
    await load({ url: floor.url, connections: 16, amount: warmUp });
    const warmed = memoryOf(pid);
    const measured = await load({
      url: `${runtime.url}/sendText`,
      connections: 16,
      duration: options.duration,
    });
    const peak = memoryOf(pid).peak;
    const bare = await load({ url: floor.url, connections: 16, duration: options.duration });
    const rest = Math.max(0, options.messages - measured.total - warmUp);
    if (rest > 0) await load({ url: `${runtime.url}/sendText`, connections: 16, amount: rest });
    const after = memoryOf(pid);
    const bytesPerMessage = options.recorded
      .filter((request) => request.commandName === 'PutItemCommand')
      .reduce((sum, request) => sum + Buffer.byteLength(JSON.stringify(request.input.Item ?? {})), 0);
    const dataMiB = (options.messages * bytesPerMessage) / 1024 / 1024;
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
      row('local runtime RSS, warmed up', warmed.rss, 'MiB'),
      row('local runtime peak RSS during the HTTP run', peak, 'MiB'),
      row(`local runtime RSS after ${options.messages} messages`, after.rss, 'MiB', {
        floor: warmed.rss + dataMiB,
        target: '≤ warmed up + data written + 50 MiB',
        met: (value) => value <= warmed.rss + dataMiB + 50,
      }),
    ];
  } finally {
    runtime.child.kill();
    floor.child.kill();
  }
}
