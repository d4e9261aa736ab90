import * as agent from '#api/agent.ts';
import { liveTicket } from '#api/live.ts';
import * as operator from '#api/operator.ts';
import { matchPath, type RoutePath, type routePaths } from '#api/route-paths.ts';
import * as z from '#api/zod.ts';

/**
 * Every HTTP route, declared once with what it reads and what it answers. The local runtime serves
 * exactly these, the CDK stack makes one Lambda function per entry, OpenAPI documents each from its
 * schemas, handlers validate with the same schemas, and the console's types are inferred from them: a
 * route cannot exist, or answer, in one and not the other. Every route answers its errors as
 * `errorBody` (`#api/shared.ts`).
 */
export interface Route extends RoutePath {
  /** The path parameters: one property per `{name}` of `path`. */
  params?: z.ZodMiniObject;
  /** The query string the handler reads: one property per parameter. */
  query?: z.ZodMiniObject;
  /** Request headers the handler reads besides `Authorization`, by lower-case name. */
  headers?: z.ZodMiniObject;
  /** The JSON body the handler reads; without one the body is not read. */
  input?: z.ZodMiniType;
  /** What a success answers: its status and JSON body, or a file. */
  response: { status: 200 | 202; body: z.ZodMiniType } | { status: 200; file: 'html' | 'any' };
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
 * The kinds of items (`keyFamilyNames`; `#store/key-families.ts` gives their keys) a function reads (GetItem, Query) and writes (PutItem,
 * UpdateItem, DeleteItem, alone or in a transaction); the stack limits its role to their partition keys
 * with `dynamodb:LeadingKeys`. `none`: the function never touches the table, and gets no grant on it.
 * `test/store/table-access.test.ts` runs every function and fails on a request outside its declaration.
 */
export type TableAccess = 'none' | { reads: readonly KeyFamily[]; writes: readonly KeyFamily[] };

/** The kinds of items a function may be granted, by name; `#store/key-families.ts` gives each its keys. */
export const keyFamilyNames = [
  'channels',
  'channelSecrets',
  'destinations',
  'agents',
  'cannedReplies',
  'reservedIds',
  'openConversations',
  'conversations',
  'liveTickets',
  'liveConnections',
  'liveListeners',
  'agentConnections',
  'outboxCounters',
  'outboxStates',
  'queues',
] as const;
export type KeyFamily = (typeof keyFamilyNames)[number];

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

/** `/console/{file+}`: a file of the console, by its path under `/console/`. */
const consoleFilePath = z.object({ file: z.string() });

/**
 * `GET /openapi.json` answers an OpenAPI 3.1 document; its own schema is the specification's
 * (https://spec.openapis.org/oas/3.1/schema), checked in test/api/openapi.test.ts.
 */
const openApiDocumentShape = z.looseObject({
  openapi: z.string().check(z.regex(/^3\.1\./)),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.record(z.string(), z.looseObject({ operationId: z.string() }))),
});

const declared = [
  {
    name: 'SetWebhook',
    method: 'POST',
    path: '/operator/{token}/setWebhook',
    params: operator.operatorPath,
    input: operator.setWebhookInput,
    response: { status: 200, body: operator.setWebhookResponse },
    entry: 'functions/operator/set-webhook.ts',
    table: { reads: ['channels', 'outboxStates'], writes: ['channels', 'conversations'] },
  },
  {
    name: 'SendText',
    method: 'POST',
    path: '/operator/{token}/sendText',
    params: operator.operatorPath,
    input: operator.sendTextInput,
    response: { status: 200, body: operator.clientMessageResponse },
    entry: 'functions/operator/send-text.ts',
    table: { reads: operatorReads, writes: conversationWrites },
  },
  {
    name: 'SendFile',
    method: 'POST',
    path: '/operator/{token}/sendFile',
    params: operator.operatorPath,
    input: operator.sendFileInput,
    response: { status: 200, body: operator.clientMessageResponse },
    entry: 'functions/operator/send-file.ts',
    table: { reads: operatorReads, writes: conversationWrites },
  },
  {
    name: 'CloseChat',
    method: 'POST',
    path: '/operator/{token}/closeChat',
    params: operator.operatorPath,
    input: operator.closeChatInput,
    response: { status: 200, body: operator.closeChatResponse },
    entry: 'functions/operator/close-chat.ts',
    table: { reads: operatorReads, writes: conversationWrites },
  },
  {
    name: 'SelectDestination',
    method: 'POST',
    path: '/operator/{token}/selectDestination',
    params: operator.operatorPath,
    input: operator.selectDestinationInput,
    response: { status: 200, body: operator.selectDestinationResponse },
    entry: 'functions/operator/select-destination.ts',
    table: { reads: operatorReads, writes: conversationWrites },
  },
  {
    name: 'GetDestinations',
    method: 'GET',
    path: '/operator/{token}/getDestinations',
    params: operator.operatorPath,
    response: { status: 200, body: operator.getDestinationsResponse },
    entry: 'functions/operator/get-destinations.ts',
    table: { reads: ['channels', 'destinations', 'agents'], writes: [] },
  },
  {
    name: 'GetMe',
    method: 'GET',
    path: '/agent/me',
    response: { status: 200, body: agent.meResponse },
    entry: 'functions/agent/get-me.ts',
    table: { reads: ['agents'], writes: [] },
  },
  {
    name: 'ListDestinations',
    method: 'GET',
    path: '/agent/destinations',
    response: { status: 200, body: agent.destinationsResponse },
    entry: 'functions/agent/list-destinations.ts',
    table: { reads: ['agents', 'destinations'], writes: [] },
  },
  {
    name: 'ListCannedReplies',
    method: 'GET',
    path: '/agent/canned-replies',
    response: { status: 200, body: agent.cannedRepliesResponse },
    entry: 'functions/agent/list-canned-replies.ts',
    table: { reads: ['agents', 'cannedReplies'], writes: [] },
  },
  {
    name: 'SetPresence',
    method: 'PUT',
    path: '/agent/me/presence',
    input: agent.presenceInput,
    response: { status: 200, body: agent.presenceResponse },
    entry: 'functions/agent/set-presence.ts',
    table: { reads: ['agents'], writes: ['agents'] },
  },
  {
    name: 'ListConversations',
    method: 'GET',
    path: '/agent/conversations',
    query: agent.conversationsQuery,
    response: { status: 200, body: agent.conversationsResponse },
    entry: 'functions/agent/list-conversations.ts',
    table: { reads: [...agentReads, 'queues'], writes: [] },
  },
  {
    name: 'AcceptConversation',
    method: 'POST',
    path: '/agent/conversations/{conversationId}/accept',
    params: agent.conversationPath,
    response: { status: 200, body: agent.conversationView },
    entry: 'functions/agent/accept-conversation.ts',
    table: { reads: agentReads, writes: ['conversations'] },
  },
  {
    name: 'ListMessages',
    method: 'GET',
    path: '/agent/conversations/{conversationId}/messages',
    params: agent.conversationPath,
    query: agent.messagesQuery,
    response: { status: 200, body: agent.messagesResponse },
    entry: 'functions/agent/list-messages.ts',
    table: { reads: agentReads, writes: [] },
  },
  {
    name: 'SendMessage',
    method: 'POST',
    path: '/agent/conversations/{conversationId}/messages',
    params: agent.conversationPath,
    headers: agent.sendMessageHeaders,
    input: agent.agentMessageInput,
    response: { status: 202, body: agent.eventAccepted },
    entry: 'functions/agent/send-message.ts',
    table: { reads: agentReads, writes: ['conversations'] },
  },
  {
    name: 'CloseConversation',
    method: 'POST',
    path: '/agent/conversations/{conversationId}/close',
    params: agent.conversationPath,
    response: { status: 200, body: agent.conversationChangeResponse },
    entry: 'functions/agent/close-conversation.ts',
    table: { reads: agentReads, writes: conversationWrites },
  },
  {
    name: 'TransferConversation',
    method: 'POST',
    path: '/agent/conversations/{conversationId}/transfer',
    params: agent.conversationPath,
    input: agent.transferInput,
    response: { status: 200, body: agent.conversationChangeResponse },
    entry: 'functions/agent/transfer-conversation.ts',
    table: { reads: agentReads, writes: ['conversations'] },
  },
  {
    name: 'OpenApi',
    method: 'GET',
    path: '/openapi.json',
    response: { status: 200, body: openApiDocumentShape },
    entry: 'functions/openapi.ts',
    table: 'none',
    embedsOpenApi: true,
  },
  {
    name: 'ServeConsoleIndex',
    method: 'GET',
    path: '/console',
    response: { status: 200, file: 'html' },
    entry: 'functions/console/serve-console.ts',
    table: 'none',
    embedsConsole: true,
  },
  {
    name: 'ServeConsoleFile',
    method: 'GET',
    path: '/console/{file+}',
    params: consoleFilePath,
    response: { status: 200, file: 'any' },
    entry: 'functions/console/serve-console.ts',
    table: 'none',
    embedsConsole: true,
  },
  {
    name: 'RetryMessage',
    method: 'POST',
    path: '/agent/conversations/{conversationId}/messages/{messageId}/retry',
    params: agent.messagePath,
    response: { status: 202, body: agent.eventAccepted },
    entry: 'functions/agent/retry-message.ts',
    table: { reads: agentReads, writes: ['conversations'] },
  },
  {
    name: 'CreateLiveTicket',
    method: 'POST',
    path: '/agent/live/ticket',
    response: { status: 200, body: liveTicket },
    entry: 'functions/live/create-ticket.ts',
    table: { reads: ['agents'], writes: ['liveTickets'] },
  },
] as const satisfies readonly Route[];

/**
 * The table's names, methods and paths are those of `#api/route-paths.ts`, entry for entry: a route
 * added, renamed or moved in one and not the other fails the type check here, naming the entry.
 */
type PathOf<T> = T extends { name: infer N; method: infer M; path: infer P }
  ? { name: N; method: M; path: P }
  : never;
type Declared = PathOf<(typeof declared)[number]>;
type Listed = PathOf<(typeof routePaths)[number]>;
type NoneOf<T extends never> = T;
export type RoutesOutOfStepWithPaths = NoneOf<Exclude<Declared, Listed> | Exclude<Listed, Declared>>;

export const routes: readonly Route[] = declared;

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
  /** Also writes the automatic replies that are due: it reads the destinations, agents and waiting queues. */
  sweep: {
    name: 'SweepOutbox',
    entry: 'functions/delivery/sweep-outbox.ts',
    table: { reads: [...delivery.reads, 'destinations', 'agents', 'queues'], writes: delivery.writes },
  },
} as const satisfies Record<string, { name: string; entry: string; table: TableAccess }>;

/** What answers every request that matches no route: 404, or 405 with `Allow` when only the method is wrong. */
export const fallbackRoute = { name: 'NotFound', entry: 'functions/not-found.ts' } as const;

export type RouteMatch =
  | { kind: 'route'; route: Route; pathParameters: Record<string, string> }
  | { kind: 'wrong-method'; allow: string[] }
  | { kind: 'none' };

const byName = new Map(routes.map((route) => [route.name, route]));

/** The route a request is for (`matchPath`, over the paths alone), with its schemas and handler. */
export function matchRoute(method: string, path: string): RouteMatch {
  const match = matchPath(method, path);
  if (match.kind !== 'route') return match;
  return { kind: 'route', route: byName.get(match.name) as Route, pathParameters: match.pathParameters };
}
