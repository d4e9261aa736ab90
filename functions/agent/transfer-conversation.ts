import { transferInput } from '#api/agent.ts';
import { transfer } from '#domain/agent.ts';
import { agentEndpoint } from '#http/agent-endpoint.ts';

/** POST /agent/conversations/{conversationId}/transfer: moves it and sends `SelectDestination`. */
export const handler = agentEndpoint(transferInput, ({ deps, agent, conversationId, input }) =>
  transfer(deps, agent, conversationId, input),
);
