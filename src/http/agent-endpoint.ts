import { authenticateAgent } from '#domain/agent.ts';
import type { Deps } from '#domain/deps.ts';
import type { Agent } from '#domain/model.ts';
import type * as z from '#domain/zod.ts';
import { type ActionResult, type HttpEvent, jsonEndpoint } from '#http/endpoint.ts';

interface AgentRequest<Input> {
  deps: Deps;
  agent: Agent;
  input: Input;
  event: HttpEvent;
  /** The `{conversationId}` path parameter, or '' on routes without one. */
  conversationId: string;
}

/** An Agent API endpoint: `Authorization: Bearer {agentToken}` is the credential. */
export function agentEndpoint<Input = undefined>(
  input: z.ZodMiniType<Input> | undefined,
  action: (request: AgentRequest<Input>) => Promise<ActionResult>,
) {
  return jsonEndpoint<Agent, Input>(
    { authenticate: (deps, event) => authenticateAgent(deps, event.headers.authorization), input },
    ({ deps, principal, input, event }) =>
      action({
        deps,
        agent: principal,
        input,
        event,
        conversationId: event.pathParameters?.conversationId ?? '',
      }),
  );
}
