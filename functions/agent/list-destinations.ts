import { destinationsForAgents } from '#domain/agent.ts';
import { agentEndpoint } from '#http/agent-endpoint.ts';

/** GET /agent/destinations: every agent group, whether DialogStudio sees it online, and its agents. */
export const handler = agentEndpoint(undefined, async ({ deps }) => destinationsForAgents(deps));
