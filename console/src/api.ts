/** The Agent API as the console uses it: the same public API any agent application calls. */

// Type-only, from the declarations the server validates with and OpenAPI documents: the bundle carries
// none of their code (no zod), and a field the API adds or drops reaches these types by itself.
import type {
  CannedReply,
  Conversation,
  ConversationStatus,
  Delivery,
  Destination,
  Me,
  Message,
  Presence,
} from '#api/agent.ts';
import type { LiveTicket } from '#api/live.ts';

export type { CannedReply, Conversation, Delivery, Destination, LiveTicket, Me, Message, Presence };
export type Status = ConversationStatus;

export type FileLink = { url: string; name?: string; size?: number; comment?: string };

/** An answer other than 2xx, with the API's stable error code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface AgentApi {
  me(): Promise<Me>;
  setPresence(online: boolean): Promise<Presence>;
  /** Every page: the API answers `next` while more remain. */
  conversations(status?: Status): Promise<Conversation[]>;
  /** At most `maxPages` pages, for the closed ones, which only grow; `more` tells whether others remain. */
  someConversations(
    status: Status,
    maxPages: number,
  ): Promise<{ conversations: Conversation[]; more: boolean }>;
  messages(conversationId: string): Promise<Message[]>;
  accept(conversationId: string): Promise<Conversation>;
  send(conversationId: string, content: { text: string } | FileLink, idempotencyKey: string): Promise<void>;
  close(conversationId: string): Promise<void>;
  transfer(conversationId: string, destinationId: string): Promise<void>;
  retry(conversationId: string, messageId: string): Promise<void>;
  /** Groups and agents to transfer to, with whether DialogStudio sees each online. */
  destinations(): Promise<Destination[]>;
  /** The canned replies of the agent's groups and own queue, by shortcut. */
  cannedReplies(): Promise<CannedReply[]>;
  /** A single-use ticket for the live-updates WebSocket. */
  liveTicket(): Promise<LiveTicket>;
  /** Going away while the page unloads: `keepalive` lets the request outlive the page. */
  leaveOnUnload(): void;
}

const path = encodeURIComponent;

/**
 * A client of `{base}/agent` with the bearer token. A 401 means the token was revoked or replaced:
 * `onUnauthorized` signs the agent out.
 */
export function agentApi(base: string, token: string, onUnauthorized: () => void): AgentApi {
  const headers = (extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${token}`,
    accept: 'application/json',
    ...extra,
  });

  async function call<T>(method: string, target: string, body?: unknown, extra?: Record<string, string>) {
    const response = await fetch(`${base}/agent${target}`, {
      method,
      headers: headers(body === undefined ? extra : { 'content-type': 'application/json', ...extra }),
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
    const answer = await response.json().catch(() => undefined);
    if (response.status === 401) onUnauthorized();
    if (!response.ok) {
      const error = answer?.error ?? {};
      throw new ApiError(response.status, error.code ?? 'http_error', error.message ?? response.statusText);
    }
    return answer as T;
  }

  /** Follows `next` (passed back as `cursorName`) page after page, up to `maxPages`. */
  async function pages<T>(
    target: string,
    key: string,
    cursorName: 'cursor' | 'after',
    params: Record<string, string>,
    maxPages = Number.POSITIVE_INFINITY,
  ) {
    const items: T[] = [];
    let next: string | undefined;
    let read = 0;
    do {
      const query = new URLSearchParams(params);
      if (next) query.set(cursorName, next);
      const page = await call<Record<string, unknown>>('GET', `${target}?${query}`);
      items.push(...((page[key] as T[]) ?? []));
      next = typeof page.next === 'string' && page.next !== next ? page.next : undefined;
      read += 1;
    } while (next && read < maxPages);
    return { items, more: next !== undefined };
  }

  return {
    me: () => call('GET', '/me'),
    setPresence: (online) => call('PUT', '/me/presence', { online }),
    conversations: async (status) =>
      (
        await pages<Conversation>('/conversations', 'conversations', 'cursor', {
          limit: '200',
          ...(status && { status }),
        })
      ).items,
    async someConversations(status, maxPages) {
      const { items, more } = await pages<Conversation>(
        '/conversations',
        'conversations',
        'cursor',
        { status, limit: '200' },
        maxPages,
      );
      return { conversations: items, more };
    },
    messages: async (id) =>
      (await pages<Message>(`/conversations/${path(id)}/messages`, 'messages', 'after', { limit: '500' }))
        .items,
    accept: (id) => call('POST', `/conversations/${path(id)}/accept`),
    send: (id, content, key) =>
      call('POST', `/conversations/${path(id)}/messages`, content, { 'idempotency-key': key }),
    close: (id) => call('POST', `/conversations/${path(id)}/close`),
    transfer: (id, destinationId) => call('POST', `/conversations/${path(id)}/transfer`, { destinationId }),
    retry: (id, messageId) => call('POST', `/conversations/${path(id)}/messages/${path(messageId)}/retry`),
    destinations: async () =>
      (await call<{ destinations: Destination[] }>('GET', '/destinations')).destinations,
    cannedReplies: async () => (await call<{ replies: CannedReply[] }>('GET', '/canned-replies')).replies,
    liveTicket: () => call('POST', '/live/ticket'),
    leaveOnUnload() {
      void fetch(`${base}/agent/me/presence`, {
        method: 'PUT',
        headers: headers({ 'content-type': 'application/json' }),
        body: JSON.stringify({ online: false }),
        keepalive: true,
      }).catch(() => undefined);
    },
  };
}
