import type { AgentApi, LiveTicket } from './api.ts';

/** `live`: notified within a second; `reconnecting`: the connection dropped, and the console tries again. */
export type LiveState = 'connecting' | 'live' | 'reconnecting';

interface LiveHandlers {
  /** A notification: this conversation (or, without an id, the queue) changed. */
  changed(conversationId: string | undefined): void;
  /** Refetch everything: after (re)connecting, something may have been missed. */
  catchUp(): void;
  state(state: LiveState): void;
}

const maxBackoffMs = 30_000;

/** The ticket goes in the URL's query: it is single-use and short-lived. The agent token never does. */
function socketUrl(ticket: LiveTicket): string {
  const url = new URL(ticket.url, location.href);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol === 'https:') url.protocol = 'wss:';
  if (!url.searchParams.has('ticket')) url.searchParams.set('ticket', ticket.ticket);
  return url.href;
}

/**
 * Live updates: a ticket from the Agent API, then a WebSocket that carries notifications only
 * (`{"type", "conversationId"}`); the data is fetched through the Agent API. Reconnects with
 * exponential backoff and jitter, and catches up after every (re)connection. Returns a function that
 * stops it all.
 */
export function startLiveUpdates(api: AgentApi, handlers: LiveHandlers): () => void {
  let stopped = false;
  let socket: WebSocket | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;

  function reconnectLater() {
    if (stopped) return;
    handlers.state('reconnecting');
    const delay = Math.min(maxBackoffMs, 1000 * 2 ** failures) * (0.5 + Math.random() / 2);
    failures += 1;
    timer = setTimeout(connect, delay);
  }

  async function connect() {
    let ticket: LiveTicket;
    try {
      ticket = await api.liveTicket();
    } catch {
      reconnectLater();
      return;
    }
    if (stopped) return;
    const opened = new WebSocket(socketUrl(ticket));
    socket = opened;
    opened.onopen = () => {
      failures = 0;
      handlers.state('live');
      handlers.catchUp();
    };
    opened.onmessage = (message) => {
      try {
        const notification = JSON.parse(String(message.data)) as { conversationId?: unknown };
        handlers.changed(
          typeof notification.conversationId === 'string' ? notification.conversationId : undefined,
        );
      } catch {
        handlers.changed(undefined);
      }
    };
    opened.onclose = () => {
      if (socket === opened) reconnectLater();
    };
  }

  handlers.state('connecting');
  void connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    const open = socket;
    socket = undefined;
    open?.close();
  };
}
