import { messagesQuery } from '#api/agent.ts';
import { agentEndpoint } from '#http/agent-endpoint.ts';
import { readQuery } from '#http/endpoint.ts';
import { listMessages } from '#use-cases/agent/list-messages.ts';

/** GET /agent/conversations/{conversationId}/messages?after=: the transcript, oldest first. */
export const handler = agentEndpoint(undefined, ({ deps, agent, conversationId, event }) =>
  listMessages(deps, agent, conversationId, readQuery(messagesQuery, event)),
);
