import { agentEndpoint } from '#http/agent-endpoint.ts';
import { closeConversation } from '#use-cases/agent/close-conversation.ts';

/** POST /agent/conversations/{conversationId}/close: closes it and sends `Closed` to DialogStudio. */
export const handler = agentEndpoint(undefined, ({ deps, agent, conversationId }) =>
  closeConversation(deps, agent, conversationId),
);
