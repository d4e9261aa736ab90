import { agentEndpoint } from '#http/agent-endpoint.ts';
import { getMe } from '#use-cases/agent/get-me.ts';

/** GET /agent/me: the calling agent's profile and presence. */
export const handler = agentEndpoint(undefined, async ({ deps, agent }) => getMe(deps, agent));
