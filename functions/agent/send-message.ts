import { agentMessageInput, idempotencyKey } from '#api/agent.ts';
import { agentEndpoint } from '#http/agent-endpoint.ts';
import { withStatus } from '#http/endpoint.ts';
import { readHeader } from '#http/headers.ts';
import { sendMessage } from '#use-cases/agent/send-message.ts';

/** POST /agent/conversations/{conversationId}/messages: a TextMessage or FileMessage to the client. */
export const handler = agentEndpoint(
  agentMessageInput,
  async ({ deps, agent, conversationId, input, event }) => {
    const key = readHeader(idempotencyKey, event, 'idempotency-key');
    return withStatus(202, await sendMessage(deps, agent, conversationId, input, key));
  },
);
