import { transferInput } from '#api/agent.ts';
import { agentEndpoint } from '#http/agent-endpoint.ts';
import { transferConversation } from '#use-cases/agent/transfer-conversation.ts';

/** POST /agent/conversations/{conversationId}/transfer: moves it and sends `SelectDestination`. */
export const handler = agentEndpoint(transferInput, ({ deps, agent, conversationId, input }) =>
  transferConversation(deps, agent, conversationId, input),
);
