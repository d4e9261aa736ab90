import { agentEndpoint } from '#http/agent-endpoint.ts';
import { listDestinations } from '#use-cases/agent/list-destinations.ts';

/** GET /agent/destinations: every agent group, whether DialogStudio sees it online, and its agents. */
export const handler = agentEndpoint(undefined, async ({ deps }) => listDestinations(deps));
