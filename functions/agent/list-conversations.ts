import { conversationsQuery } from '#api/agent.ts';
import { listConversations } from '#domain/agent.ts';
import { agentEndpoint } from '#http/agent-endpoint.ts';
import { readQuery } from '#http/endpoint.ts';

/** GET /agent/conversations?status=&destinationId=: the conversations of the agent's destinations. */
export const handler = agentEndpoint(undefined, ({ deps, agent, event }) =>
  listConversations(deps, agent, readQuery(conversationsQuery, event)),
);
