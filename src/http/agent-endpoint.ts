import type { Agent } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { NotFoundError } from '#domain/shared/errors.ts';
import * as z from '#domain/shared/zod.ts';
import { type ActionResult, type HttpEvent, jsonEndpoint } from '#http/endpoint.ts';
import { bearerToken } from '#http/headers.ts';
import { conversationNotFound } from '#use-cases/agent/access.ts';
import { authenticateAgent } from '#use-cases/agent/authenticate-agent.ts';

interface AgentRequest<Input> {
  deps: Deps;
  agent: Agent;
  input: Input;
  event: HttpEvent;
  /** The `{conversationId}` path parameter, or '' on routes without one. */
  conversationId: string;
}

/**
 * Ids in Agent API paths are at most 256 characters (768 UTF-8 bytes), so no key built from one can pass
 * DynamoDB's limits; a longer one names nothing, and answers as a missing one does.
 */
const pathId = z.string().check(z.minLength(1), z.maxLength(256));
/** Each path id answers as the use case answers for one that does not exist. */
const missing: Record<string, () => NotFoundError> = {
  conversationId: conversationNotFound,
  messageId: () => new NotFoundError('message_not_found', 'No such message'),
};

function checkPathIds(event: HttpEvent) {
  for (const [name, value] of Object.entries(event.pathParameters ?? {})) {
    if (pathId.safeParse(value).success) continue;
    throw missing[name]?.() ?? new NotFoundError('not_found', `No such ${name}`);
  }
}

/** An Agent API endpoint: `Authorization: Bearer {agentToken}` is the credential. */
export function agentEndpoint<Input = undefined>(
  input: z.ZodMiniType<Input> | undefined,
  action: (request: AgentRequest<Input>) => Promise<ActionResult>,
) {
  return jsonEndpoint<Agent, Input>(
    {
      authenticate: (deps, event) => authenticateAgent(deps, bearerToken(event.headers.authorization)),
      input,
    },
    ({ deps, principal, input, event }) => {
      checkPathIds(event);
      return action({
        deps,
        agent: principal,
        input,
        event,
        conversationId: event.pathParameters?.conversationId ?? '',
      });
    },
  );
}
