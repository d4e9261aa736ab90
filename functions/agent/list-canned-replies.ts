import { agentEndpoint } from '#http/agent-endpoint.ts';
import { listCannedReplies } from '#use-cases/agent/list-canned-replies.ts';

/** GET /agent/canned-replies: the canned replies of the agent's groups and of its own queue, by shortcut. */
export const handler = agentEndpoint(undefined, async ({ deps, agent }) => listCannedReplies(deps, agent));
