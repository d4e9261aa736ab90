import { closeByAgent } from '#domain/agent.ts';
import { agentEndpoint } from '#http/agent-endpoint.ts';

/** POST /agent/conversations/{conversationId}/close: closes it and sends `Closed` to DialogStudio. */
export const handler = agentEndpoint(undefined, ({ deps, agent, conversationId }) =>
  closeByAgent(deps, agent, conversationId),
);
