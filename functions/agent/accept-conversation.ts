import { accept } from '#domain/agent.ts';
import { agentEndpoint } from '#http/agent-endpoint.ts';

/** POST /agent/conversations/{conversationId}/accept: assign to me; a second agent gets 409. */
export const handler = agentEndpoint(undefined, ({ deps, agent, conversationId }) =>
  accept(deps, agent, conversationId),
);
