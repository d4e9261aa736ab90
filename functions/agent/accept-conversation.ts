import { agentEndpoint } from '#http/agent-endpoint.ts';
import { acceptConversation } from '#use-cases/agent/accept-conversation.ts';

/** POST /agent/conversations/{conversationId}/accept: assign to me; a second agent gets 409. */
export const handler = agentEndpoint(undefined, ({ deps, agent, conversationId }) =>
  acceptConversation(deps, agent, conversationId),
);
