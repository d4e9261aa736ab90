import { agentEndpoint } from '#http/agent-endpoint.ts';
import { withStatus } from '#http/endpoint.ts';
import { retryMessage } from '#use-cases/agent/retry-message.ts';

/** POST /agent/conversations/{conversationId}/messages/{messageId}/retry: a failed event back in line. */
export const handler = agentEndpoint(undefined, async ({ deps, agent, conversationId, event }) =>
  withStatus(202, await retryMessage(deps, agent, conversationId, event.pathParameters?.messageId ?? '')),
);
