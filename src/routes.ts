import type { KeyFamily } from '#store/key-families.ts';

/**
 * Every HTTP route, declared once. The local runtime serves exactly these, and the CDK stack makes one
 * Lambda function per entry, so a route cannot exist in one and not the other.
 */
export interface Route {
  /** Stable name: the Lambda function's logical id and the handler's name in logs. */
  name: string;
  method: 'GET' | 'POST' | 'PUT';
  /** API Gateway path template; `{name}` is a path parameter. */
  path: string;
  /** The handler module, relative to the project root; it exports `handler`. */
  entry: string;
  /** What the handler does with the table, by kind of item: the CDK stack grants exactly this. */
  table: TableAccess;
  /** The function serves the agent console, whose built files its bundle embeds. */
  embedsConsole?: true;
  /** The function serves the OpenAPI document, which its bundle embeds as generated at synthesis. */
  embedsOpenApi?: true;
}

/**
 * The kinds of items (`#store/key-families.ts`) a function reads (GetItem, Query) and writes (PutItem,
 * UpdateItem, DeleteItem, alone or in a transaction); the stack limits its role to their partition keys
 * with `dynamodb:LeadingKeys`. `none`: the function never touches the table, and gets no grant on it.
 * `test/table-access.test.ts` runs every function and fails on a request outside its declaration.
 */
export type TableAccess = 'none' | { reads: readonly KeyFamily[]; writes: readonly KeyFamily[] };

/** Every Operator API call starts by finding its channel by the token in the path. */
const operatorReads = ['channels', 'destinations', 'agents', 'openConversations', 'conversations'] as const;
/** Every Agent API call starts by finding its agent by the bearer token. */
const agentReads = ['agents', 'destinations', 'conversations'] as const;
/** What writing to a conversation touches: its items, the user's pointer to it while open. */
const conversationWrites = ['conversations', 'openConversations'] as const;
/** The delivery engine: it reads a conversation's channel (webhook, platform secret) and its outbox. */
const delivery = {
  reads: ['channels', 'channelSecrets', 'conversations', 'outboxStates', 'outboxCounters'],
  writes: ['conversations', 'outboxCounters'],
} as const satisfies TableAccess;

export const routes: readonly Route[] = [
  {
    name: 'SetWebhook',
    method: 'POST',
    path: '/operator/{token}/setWebhook',
    entry: 'functions/operator/set-webhook.ts',
    table: { reads: ['channels', 'outboxStates'], writes: ['channels', 'conversations'] },
  },
  {
    name: 'SendText',
    method: 'POST',
    path: '/operator/{token}/sendText',
    entry: 'functions/operator/send-text.ts',
    table: { reads: operatorReads, writes: conversationWrites },
  },
  {
    name: 'SendFile',
    method: 'POST',
    path: '/operator/{token}/sendFile',
    entry: 'functions/operator/send-file.ts',
    table: { reads: operatorReads, writes: conversationWrites },
  },
  {
    name: 'CloseChat',
    method: 'POST',
    path: '/operator/{token}/closeChat',
    entry: 'functions/operator/close-chat.ts',
    table: { reads: operatorReads, writes: conversationWrites },
  },
  {
    name: 'SelectDestination',
    method: 'POST',
    path: '/operator/{token}/selectDestination',
    entry: 'functions/operator/select-destination.ts',
    table: { reads: operatorReads, writes: conversationWrites },
  },
  {
    name: 'GetDestinations',
    method: 'GET',
    path: '/operator/{token}/getDestinations',
    entry: 'functions/operator/get-destinations.ts',
    table: { reads: ['channels', 'destinations', 'agents'], writes: [] },
  },
  {
    name: 'GetMe',
    method: 'GET',
    path: '/agent/me',
    entry: 'functions/agent/get-me.ts',
    table: { reads: ['agents'], writes: [] },
  },
  {
    name: 'ListDestinations',
    method: 'GET',
    path: '/agent/destinations',
    entry: 'functions/agent/list-destinations.ts',
    table: { reads: ['agents', 'destinations'], writes: [] },
  },
  {
    name: 'SetPresence',
    method: 'PUT',
    path: '/agent/me/presence',
    entry: 'functions/agent/set-presence.ts',
    table: { reads: ['agents'], writes: ['agents'] },
  },
  {
    name: 'ListConversations',
    method: 'GET',
    path: '/agent/conversations',
    entry: 'functions/agent/list-conversations.ts',
    table: { reads: [...agentReads, 'queues'], writes: [] },
  },
  {
    name: 'AcceptConversation',
    method: 'POST',
    path: '/agent/conversations/{conversationId}/accept',
    entry: 'functions/agent/accept-conversation.ts',
    table: { reads: agentReads, writes: ['conversations'] },
  },
  {
    name: 'ListMessages',
    method: 'GET',
    path: '/agent/conversations/{conversationId}/messages',
    entry: 'functions/agent/list-messages.ts',
    table: { reads: agentReads, writes: [] },
  },
  {
    name: 'SendMessage',
    method: 'POST',
    path: '/agent/conversations/{conversationId}/messages',
    entry: 'functions/agent/send-message.ts',
    table: { reads: agentReads, writes: ['conversations'] },
  },
  {
    name: 'CloseConversation',
    method: 'POST',
    path: '/agent/conversations/{conversationId}/close',
    entry: 'functions/agent/close-conversation.ts',
    table: { reads: agentReads, writes: conversationWrites },
  },
  {
    name: 'TransferConversation',
    method: 'POST',
    path: '/agent/conversations/{conversationId}/transfer',
    entry: 'functions/agent/transfer-conversation.ts',
    table: { reads: agentReads, writes: ['conversations'] },
  },
  {
    name: 'OpenApi',
    method: 'GET',
    path: '/openapi.json',
    entry: 'functions/openapi.ts',
    table: 'none',
    embedsOpenApi: true,
  },
  {
    name: 'ServeConsoleIndex',
    method: 'GET',
    path: '/console',
    entry: 'functions/console/serve-console.ts',
    table: 'none',
    embedsConsole: true,
  },
  {
    name: 'ServeConsoleFile',
    method: 'GET',
    path: '/console/{file+}',
    entry: 'functions/console/serve-console.ts',
    table: 'none',
    embedsConsole: true,
  },
  {
    name: 'RetryMessage',
    method: 'POST',
    path: '/agent/conversations/{conversationId}/messages/{messageId}/retry',
    entry: 'functions/agent/retry-message.ts',
    table: { reads: agentReads, writes: ['conversations'] },
  },
  {
    name: 'CreateLiveTicket',
    method: 'POST',
    path: '/agent/live/ticket',
    entry: 'functions/live/create-ticket.ts',
    table: { reads: ['agents'], writes: ['liveTickets'] },
  },
];

/**
 * The live-updates WebSocket: API Gateway's WebSocket API in AWS, `/live` on the local runtime's port.
 * Both call these handlers with the WebSocket event API Gateway sends.
 */
export interface LiveRoute {
  name: string;
  routeKey: '$connect' | '$disconnect';
  entry: string;
  table: TableAccess;
}

export const liveRoutes: readonly LiveRoute[] = [
  {
    name: 'LiveConnect',
    routeKey: '$connect',
    entry: 'functions/live/connect.ts',
    table: {
      reads: ['agents'],
      writes: ['liveTickets', 'liveConnections', 'liveListeners', 'agentConnections'],
    },
  },
  {
    name: 'LiveDisconnect',
    routeKey: '$disconnect',
    entry: 'functions/live/disconnect.ts',
    table: {
      reads: ['liveConnections'],
      writes: ['liveConnections', 'liveListeners', 'agentConnections'],
    },
  },
];

/** Invoked by the table's stream (its second reader, after delivery): tells open WebSockets what changed. */
export const liveNotifier = {
  name: 'NotifyFromStream',
  entry: 'functions/live/notify-from-stream.ts',
  // Reads who listens to a conversation's queues, and forgets connections API Gateway says are gone.
  table: {
    reads: ['agents', 'conversations', 'liveListeners', 'liveConnections'],
    writes: ['liveConnections', 'liveListeners', 'agentConnections'],
  },
} as const satisfies { name: string; entry: string; table: TableAccess };

/** Functions that no HTTP route calls: the three triggers of the delivery engine. */
export const deliveryFunctions = {
  /** Invoked by the table's stream for new work: a new outbox entry, a wake-up, an expired conversation. */
  fromStream: {
    name: 'DeliverFromStream',
    entry: 'functions/delivery/deliver-from-stream.ts',
    // It also deletes what remains of a conversation TTL expired, its open pointer included.
    table: { reads: delivery.reads, writes: [...delivery.writes, 'openConversations'] },
  },
  /** Invoked by the retry queue when a retry is due sooner than the next sweep. */
  timer: { name: 'DeliverOnTimer', entry: 'functions/delivery/deliver-on-timer.ts', table: delivery },
  /** Invoked on a schedule: due retries, and anything the stream missed. */
  sweep: { name: 'SweepOutbox', entry: 'functions/delivery/sweep-outbox.ts', table: delivery },
} as const satisfies Record<string, { name: string; entry: string; table: TableAccess }>;

/** What answers every request that matches no route: 404, or 405 with `Allow` when only the method is wrong. */
export const fallbackRoute = { name: 'NotFound', entry: 'functions/not-found.ts' } as const;

export type RouteMatch =
  | { kind: 'route'; route: Route; pathParameters: Record<string, string> }
  | { kind: 'wrong-method'; allow: string[] }
  | { kind: 'none' };

const compiled = routes.map((route) => {
  const names: string[] = [];
  const pattern = route.path
    .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace(/\{(\w+)(\\\+)?\}/g, (_whole, name: string, greedy: string | undefined) => {
      names.push(name);
      // `{name+}` is API Gateway's greedy variable: the rest of the path, slashes included, even none.
      return greedy ? '(.*)' : '([^/]+)';
    });
  return { route, names, regex: new RegExp(`^${pattern}$`) };
});

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function matchRoute(method: string, path: string): RouteMatch {
  const allow: string[] = [];
  for (const { route, names, regex } of compiled) {
    const found = regex.exec(path);
    if (!found) continue;
    if (route.method !== method.toUpperCase()) {
      allow.push(route.method);
      continue;
    }
    const pathParameters = Object.fromEntries(
      names.map((name, i) => [name, decodePathSegment(found[i + 1] ?? '')]),
    );
    return { kind: 'route', route, pathParameters };
  }
  return allow.length > 0 ? { kind: 'wrong-method', allow } : { kind: 'none' };
}
