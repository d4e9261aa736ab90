import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Wired } from '#deps';
import { lambdaRequestListener } from '#local/lambda-http.ts';
import { root, seedAgent, seedChannel, tableSnapshot } from '../support/clients.ts';
import { useEmbeddedStore } from '../support/embedded-store.ts';

const MiB = 1024 * 1024;

let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let deps: Wired;
let server: Server;
let port: number;
let api: string;
let auth: string;
/** Bytes the server read from each connection it accepted, once that connection closed. */
const bytesRead = new Map<Socket, number>();

beforeAll(async () => {
  store = await useEmbeddedStore();
  deps = store.deps;
  ({ api } = await seedChannel(deps));
  const agent = await seedAgent(deps, []);
  auth = agent.auth.authorization;
  server = createServer(lambdaRequestListener(root));
  server.on('connection', (socket: Socket) => {
    socket.on('close', () => bytesRead.set(socket, socket.bytesRead));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await store.close();
});

interface Upload {
  method?: string;
  path: string;
  headers: Record<string, string>;
  /** How many body bytes the client tries to send. */
  size: number;
  chunked?: boolean;
}

/**
 * Sends a request whose body the client keeps writing as fast as the server takes it, and collects
 * the answer. Ends when the server closes the connection or the whole body went through.
 */
function upload({
  method = 'POST',
  path,
  headers,
  size,
  chunked = false,
}: Upload): Promise<{ status: number; answer: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const head = [
      `${method} ${path} HTTP/1.1`,
      'host: 127.0.0.1',
      'connection: close',
      'content-type: application/json',
      chunked ? 'transfer-encoding: chunked' : `content-length: ${size}`,
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < size && !socket.destroyed) {
        const piece = chunk.subarray(0, Math.min(chunk.length, size - sent));
        sent += piece.length;
        const framed = chunked ? [`${piece.length.toString(16)}\r\n`, piece, '\r\n'] : [piece];
        let flowing = true;
        for (const part of framed) flowing = socket.write(part);
        if (!flowing) return void socket.once('drain', pump);
      }
      if (chunked && sent >= size && !socket.destroyed) socket.write('0\r\n\r\n');
    };
    socket.on('data', (data) => {
      answer += data.toString('latin1');
    });
    socket.on('error', () => undefined);
    socket.on('close', () =>
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0), answer }),
    );
    socket.write(`${head.join('\r\n')}\r\n\r\n`, pump);
  });
}

/** Waits for the server to see every connection closed, then sums what it read from them. */
async function serverBytesRead(connections: number): Promise<number[]> {
  for (let wait = 0; wait < 100 && bytesRead.size < connections; wait++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const counts = [...bytesRead.values()];
  bytesRead.clear();
  return counts;
}

describe('the local runtime reads a body only for a known caller, and no more than the limit', () => {
  it('answers 401 to 30 wrong tokens with 10 MiB bodies without reading the bodies', async () => {
    // Prepare
    bytesRead.clear();
    const before = await tableSnapshot(deps);
    const wrongChannel = { path: `${api.slice(0, -4)}XXXX/sendText`, headers: {}, size: 10 * MiB };
    const wrongAgent = {
      method: 'PUT',
      path: '/agent/me/presence',
      headers: { authorization: 'Bearer nobody.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      size: 10 * MiB,
    };

    // Act
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => upload(i % 2 === 0 ? wrongChannel : wrongAgent)),
    );
    const read = await serverBytesRead(30);

    // Assess
    expect(answers.map((a) => a.status)).toEqual(Array(30).fill(401));
    expect(answers[0]?.answer).toMatch(/connection: close/i);
    expect(read).toHaveLength(30);
    // Before: every byte of every body, 300 MiB in all; now at most what arrived while the token was checked.
    expect(Math.max(...read)).toBeLessThan(256 * 1024);
    expect(read.reduce((sum, n) => sum + n, 0)).toBeLessThan(8 * MiB);
    expect(await tableSnapshot(deps)).toBe(before);
  });

  it('refuses a declared body over the limit with 413 before reading it, for a right token', async () => {
    // Prepare
    bytesRead.clear();
    const limit = deps.config.MAX_BODY_BYTES;

    // Act
    const answer = await upload({
      method: 'PUT',
      path: '/agent/me/presence',
      headers: { authorization: auth },
      size: 4 * MiB,
    });
    const [read] = await serverBytesRead(1);

    // Assess
    expect(answer.status).toBe(413);
    expect(answer.answer).toContain('"payload_too_large"');
    expect(read).toBeLessThan(limit);
  });

  it('refuses a chunked body with 413 as soon as it passes the limit', async () => {
    // Prepare
    bytesRead.clear();
    const limit = deps.config.MAX_BODY_BYTES;

    // Act
    const answer = await upload({ path: `${api}/sendText`, headers: {}, size: 8 * MiB, chunked: true });
    const [read] = await serverBytesRead(1);

    // Assess
    expect(answer.status).toBe(413);
    expect(read).toBeGreaterThan(limit);
    expect(read).toBeLessThan(limit + MiB);
  });

  it('still reads a body within the limit, declared or chunked, for a right token', async () => {
    // Act
    const declared = await upload({
      method: 'PUT',
      path: '/agent/me/presence',
      headers: { authorization: auth },
      size: 0,
    });
    const body = JSON.stringify({ userId: 'chunked', text: 'x'.repeat(30_000) });
    const pieces = [body.slice(0, 10_000), body.slice(10_000, 20_000), body.slice(20_000)];
    const chunked = await new Promise<number>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      socket.on('data', (data) => {
        answer += data.toString();
        const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
        if (status) {
          socket.destroy();
          resolve(Number(status));
        }
      });
      socket.on('error', reject);
      socket.write(
        `POST ${api}/sendText HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n` +
          pieces.map((piece) => `${Buffer.byteLength(piece).toString(16)}\r\n${piece}\r\n`).join('') +
          '0\r\n\r\n',
      );
    });

    // Assess
    expect(declared.status).toBe(400);
    expect(declared.answer).toContain('"invalid_json"');
    expect(chunked).toBe(200);
  });
});
