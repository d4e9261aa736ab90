import { presenceInput } from '#api/agent.ts';
import { setPresence } from '#domain/agent.ts';
import { agentEndpoint } from '#http/agent-endpoint.ts';

/** PUT /agent/me/presence: online or not; repeated as the heartbeat that keeps the agent online. */
export const handler = agentEndpoint(presenceInput, ({ deps, agent, input }) =>
  setPresence(deps, agent, input),
);
