import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  // biome-ignore lint/suspicious/noExplicitAny: event bodies are checked field by field by the assertions
  body: any;
  /** What the receiver answered: a status, or how it misbehaved. */
  answer: number | 'hang' | 'reset';
  at: number;
}

/** How to answer one request: a status (with headers), hang until the caller gives up, or drop the connection. */
export type Answer = number | { status: number; headers: Record<string, string> } | 'hang' | 'reset';

/**
 * A stand-in for DialogStudio's webhook on loopback: records every request and answers as the
 * test scripts it, so faults (5xx, 429, hangs, resets) can be injected per request.
 */
export async function startWebhookReceiver(
  script: (request: Omit<Received, 'answer' | 'at'>) => Answer = () => 200,
) {
  const received: Received[] = [];
  let answerWith = script;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const seen = {
        path: request.url ?? '/',
        headers: request.headers,
        rawBody,
        body: JSON.parse(rawBody || 'null'),
      };
      const answer = answerWith(seen);
      const record: Received = {
        ...seen,
        answer: typeof answer === 'object' ? answer.status : answer,
        at: Date.now(),
      };
      received.push(record);
      if (answer === 'hang') return;
      if (answer === 'reset') {
        request.socket.destroy();
        return;
      }
      const { status, headers } = typeof answer === 'number' ? { status: answer, headers: {} } : answer;
      response.writeHead(status, { 'content-type': 'application/json', ...headers }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path = '/chatapi/webhook/operatorapi/key') => `http://127.0.0.1:${port}${path}`,
    received,
    /** Requests answered 2xx: what DialogStudio actually took in. */
    accepted: () => received.filter((r) => typeof r.answer === 'number' && r.answer < 300),
    script: (next: typeof script) => {
      answerWith = next;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls until `check` holds, or fails with what it last saw. */
export async function eventually<T>(
  check: () => Promise<T> | T,
  until: (value: T) => boolean,
  timeoutMs = 15_000,
) {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  do {
    last = await check();
    if (until(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 25));
  } while (Date.now() < deadline);
  throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
}
