import { agentMessageInput, idempotencyKey } from '#api/agent.ts';
import { sendAgentMessage } from '#domain/agent.ts';
import { agentEndpoint } from '#http/agent-endpoint.ts';
import { readHeader, withStatus } from '#http/endpoint.ts';

/** POST /agent/conversations/{conversationId}/messages: a TextMessage or FileMessage to the client. */
export const handler = agentEndpoint(
  agentMessageInput,
  async ({ deps, agent, conversationId, input, event }) => {
    const key = readHeader(idempotencyKey, event, 'idempotency-key');
    return withStatus(202, await sendAgentMessage(deps, agent, conversationId, input, key));
  },
);
