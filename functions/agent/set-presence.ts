import { presenceInput } from '#api/agent.ts';
import { agentEndpoint } from '#http/agent-endpoint.ts';
import { setPresence } from '#use-cases/agent/set-presence.ts';

/** PUT /agent/me/presence: online or not; repeated as the heartbeat that keeps the agent online. */
export const handler = agentEndpoint(presenceInput, ({ deps, agent, input }) =>
  setPresence(deps, agent, input),
);
