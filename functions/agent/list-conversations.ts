import { listConversations } from '#domain/agent.ts';
import { conversationsQuery } from '#domain/agent-schemas.ts';
import { agentEndpoint } from '#http/agent-endpoint.ts';
import { readQuery } from '#http/endpoint.ts';

/** GET /agent/conversations?status=&destinationId=: the conversations of the agent's destinations. */
export const handler = agentEndpoint(undefined, ({ deps, agent, event }) =>
  listConversations(deps, agent, readQuery(conversationsQuery, event)),
);
