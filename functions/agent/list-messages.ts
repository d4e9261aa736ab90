import { messagesQuery } from '#api/agent.ts';
import { transcript } from '#domain/agent.ts';
import { agentEndpoint } from '#http/agent-endpoint.ts';
import { readQuery } from '#http/endpoint.ts';

/** GET /agent/conversations/{conversationId}/messages?after=: the transcript, oldest first. */
export const handler = agentEndpoint(undefined, ({ deps, agent, conversationId, event }) =>
  transcript(deps, agent, conversationId, readQuery(messagesQuery, event)),
);
