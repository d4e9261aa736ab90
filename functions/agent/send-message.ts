import { agentMessageInput, idempotencyKey } from '#domain/agent-schemas.ts';
import { agentEndpoint } from '#http/agent-endpoint.ts';
import { readHeader, withStatus } from '#http/endpoint.ts';
import { sendMessage } from '#use-cases/agent/send-message.ts';

/** POST /agent/conversations/{conversationId}/messages: a TextMessage or FileMessage to the client. */
export const handler = agentEndpoint(
  agentMessageInput,
  async ({ deps, agent, conversationId, input, event }) => {
    const key = readHeader(idempotencyKey, event, 'idempotency-key');
    return withStatus(202, await sendMessage(deps, agent, conversationId, input, key));
  },
);
