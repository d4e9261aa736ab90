import { WebSocket } from 'ws';
import type { LiveNotification } from '#api/live.ts';

export interface LiveSocket {
  received: (LiveNotification & { at: number })[];
  /** Waits for a notification that matches, among those received from index `from` on and those to come. */
  next: (match: Partial<LiveNotification>, from?: number) => Promise<LiveNotification & { at: number }>;
  close: () => Promise<void>;
  /** Settles with the close code once the server (or the client) closed the socket. */
  closed: Promise<number>;
}

/** A ceiling against hanging forever, not a speed requirement. */
const waitMs = 5_000;

function matches(notification: LiveNotification, match: Partial<LiveNotification>): boolean {
  return Object.entries(match).every(
    ([name, value]) => notification[name as keyof LiveNotification] === value,
  );
}

/** Opens the live-updates WebSocket as a browser would; rejects with the HTTP status when refused. */
export function openLive(url: string, ticket: string | undefined): Promise<LiveSocket> {
  const ws = new WebSocket(ticket === undefined ? url : `${url}?ticket=${encodeURIComponent(ticket)}`);
  const received: LiveSocket['received'] = [];
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    received.push({ ...(JSON.parse(String(data)) as LiveNotification), at: Date.now() });
    for (const wake of waiters) wake();
  });
  const socket: LiveSocket = {
    received,
    closed,
    next: (match, from = 0) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = received.slice(from).find((notification) => matches(notification, match));
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`no ${JSON.stringify(match)} within ${waitMs} ms; got ${JSON.stringify(received)}`),
          );
        }, waitMs);
        waiters.add(check);
        check();
      }),
    close: () =>
      new Promise((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
      }),
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(socket));
    ws.once('unexpected-response', (_request, response) => {
      reject(
        Object.assign(new Error(`refused with ${response.statusCode}`), { status: response.statusCode }),
      );
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

/** The HTTP status a refused connection got, or 101 if it opened. */
export async function connectStatus(url: string, ticket: string | undefined): Promise<number> {
  try {
    await (await openLive(url, ticket)).close();
    return 101;
  } catch (error) {
    return (error as { status?: number }).status ?? 0;
  }
}
