import { me } from '#domain/agent.ts';
import { agentEndpoint } from '#http/agent-endpoint.ts';

/** GET /agent/me: the calling agent's profile and presence. */
export const handler = agentEndpoint(undefined, async ({ deps, agent }) => me(deps, agent));
