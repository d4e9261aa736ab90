import { matchRoute } from '#api/routes.ts';
import { errorBody } from '#api/shared.ts';
import type * as z from '#api/zod.ts';

/** The first few issues of a failed parse, as `path: message`. */
function issuesOf(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

/**
 * Checks an answer against what the route table declares for its route: a success has the declared
 * status and parses with the declared response schema (strict: a field the declaration lacks fails too),
 * anything else parses as the shared error body. Both test clients run it on every answer, so every
 * handler, HTTP and deployed test is also a test that the declarations (and so OpenAPI and the
 * console's types) say what the code answers.
 */
export function assertDeclaredAnswer(method: string, path: string, status: number, body: unknown): void {
  const match = matchRoute(method, path.split('?')[0] ?? path);
  const route = match.kind === 'route' ? match.route : undefined;
  const name = route?.name ?? `${method} ${path.split('?')[0]}`;
  if (status < 200 || status >= 300) {
    const parsed = errorBody.safeParse(body);
    if (!parsed.success)
      throw new Error(`${name} answered ${status} with no error body: ${issuesOf(parsed.error)}`);
    return;
  }
  if (!route || !('body' in route.response)) return;
  if (status !== route.response.status) {
    throw new Error(`${name} answered ${status}; its route declares ${route.response.status}`);
  }
  const parsed = route.response.body.safeParse(body);
  if (!parsed.success) {
    throw new Error(`${name}'s answer does not match its declared response: ${issuesOf(parsed.error)}`);
  }
}
