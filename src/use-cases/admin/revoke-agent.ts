import { agentName, queuesOf } from '#domain/directory/agents.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { existingAgent } from '#use-cases/admin/checks.ts';
import { endSessions } from '#use-cases/admin/end-sessions.ts';
import { returnToQueue } from '#use-cases/admin/return-to-queue.ts';

/**
 * Takes the agent's access away at once: its token answers 401, its live sessions close, its
 * unredeemed tickets are void, and it counts as offline. The conversations it had accepted go back to
 * `waiting`; the ids of those are returned.
 */
export async function revokeAgent(deps: Deps, employeeId: string) {
  const agent = await existingAgent(deps, employeeId);
  await endSessions(deps, agent, { revoked: true, online: false });
  const queues = queuesOf(agent);
  const reason = `${agentName(agent)} no longer has access`;
  return { returnedToQueue: await returnToQueue(deps, employeeId, queues, reason) };
}
