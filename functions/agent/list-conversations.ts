import { conversationsQuery } from '#api/agent.ts';
import { agentEndpoint } from '#http/agent-endpoint.ts';
import { readQuery } from '#http/endpoint.ts';
import { listConversations } from '#use-cases/agent/list-conversations.ts';

/** GET /agent/conversations?status=&destinationId=: the conversations of the agent's destinations. */
export const handler = agentEndpoint(undefined, ({ deps, agent, event }) =>
  listConversations(deps, agent, readQuery(conversationsQuery, event)),
);
