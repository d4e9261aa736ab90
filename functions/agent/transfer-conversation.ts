import { transfer } from '#domain/agent.ts';
import { transferInput } from '#domain/agent-schemas.ts';
import { agentEndpoint } from '#http/agent-endpoint.ts';

/** POST /agent/conversations/{conversationId}/transfer: moves it and sends `SelectDestination`. */
export const handler = agentEndpoint(transferInput, ({ deps, agent, conversationId, input }) =>
  transfer(deps, agent, conversationId, input),
);
