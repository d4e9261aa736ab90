/**
 * Each HTTP route's name, method and path, and nothing else: what matching a request needs. The route
 * table (`#api/routes.ts`) adds the schemas, handler and grants to these same entries, and the type
 * checker holds the two to one another (see `routes.ts`), so matching can be done without loading every
 * route's schemas: the NotFound function carries this file, not the API's zod declarations.
 */
export interface RoutePath {
  /** Stable name: the Lambda function's logical id and the handler's name in logs. */
  name: string;
  method: 'GET' | 'POST' | 'PUT';
  /** API Gateway path template; `{name}` is a path parameter, `{name+}` the rest of the path. */
  path: string;
}

export const routePaths = [
  { name: 'SetWebhook', method: 'POST', path: '/operator/{token}/setWebhook' },
  { name: 'SendText', method: 'POST', path: '/operator/{token}/sendText' },
  { name: 'SendFile', method: 'POST', path: '/operator/{token}/sendFile' },
  { name: 'CloseChat', method: 'POST', path: '/operator/{token}/closeChat' },
  { name: 'SelectDestination', method: 'POST', path: '/operator/{token}/selectDestination' },
  { name: 'GetDestinations', method: 'GET', path: '/operator/{token}/getDestinations' },
  { name: 'GetMe', method: 'GET', path: '/agent/me' },
  { name: 'ListDestinations', method: 'GET', path: '/agent/destinations' },
  { name: 'ListCannedReplies', method: 'GET', path: '/agent/canned-replies' },
  { name: 'SetPresence', method: 'PUT', path: '/agent/me/presence' },
  { name: 'ListConversations', method: 'GET', path: '/agent/conversations' },
  { name: 'AcceptConversation', method: 'POST', path: '/agent/conversations/{conversationId}/accept' },
  { name: 'ListMessages', method: 'GET', path: '/agent/conversations/{conversationId}/messages' },
  { name: 'SendMessage', method: 'POST', path: '/agent/conversations/{conversationId}/messages' },
  { name: 'CloseConversation', method: 'POST', path: '/agent/conversations/{conversationId}/close' },
  { name: 'TransferConversation', method: 'POST', path: '/agent/conversations/{conversationId}/transfer' },
  { name: 'OpenApi', method: 'GET', path: '/openapi.json' },
  { name: 'ServeConsoleIndex', method: 'GET', path: '/console' },
  { name: 'ServeConsoleFile', method: 'GET', path: '/console/{file+}' },
  {
    name: 'RetryMessage',
    method: 'POST',
    path: '/agent/conversations/{conversationId}/messages/{messageId}/retry',
  },
  { name: 'CreateLiveTicket', method: 'POST', path: '/agent/live/ticket' },
] as const satisfies readonly RoutePath[];

export type RouteName = (typeof routePaths)[number]['name'];

export type PathMatch =
  | { kind: 'route'; name: RouteName; pathParameters: Record<string, string> }
  | { kind: 'wrong-method'; allow: string[] }
  | { kind: 'none' };

const compiled = routePaths.map((route) => {
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

/** The route a request is for, as API Gateway picks it; or the methods its path takes; or none. */
export function matchPath(method: string, path: string): PathMatch {
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
    return { kind: 'route', name: route.name, pathParameters };
  }
  return allow.length > 0 ? { kind: 'wrong-method', allow } : { kind: 'none' };
}
