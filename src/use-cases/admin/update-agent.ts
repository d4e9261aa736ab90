import { agentName } from '#domain/directory/agents.ts';
import type { Deps } from '#domain/shared/deps.ts';
import {
  type AgentProfileInput,
  assertDestinationsExist,
  avatarSchema,
  check,
  existingAgent,
  found,
  nameSchema,
} from '#use-cases/admin/checks.ts';
import { returnToQueue } from '#use-cases/admin/return-to-queue.ts';

/**
 * Changes an agent's profile or destinations. Conversations it had accepted in a destination it
 * leaves go back to `waiting` there; the ids of those are returned.
 */
export async function updateAgent(deps: Deps, employeeId: string, changes: Partial<AgentProfileInput>) {
  if (changes.destinations) await assertDestinationsExist(deps, changes.destinations);
  const before = await existingAgent(deps, employeeId);
  const updated = await deps.store.directory.agents.update(employeeId, {
    ...(changes.firstName !== undefined && { firstName: check(nameSchema, changes.firstName, 'firstName') }),
    ...(changes.lastName !== undefined && { lastName: check(nameSchema, changes.lastName, 'lastName') }),
    ...(changes.avatarUrl !== undefined && {
      avatarUrl: check(avatarSchema, changes.avatarUrl, 'avatarUrl'),
    }),
    ...(changes.destinations && { destinations: [...new Set(changes.destinations)] }),
  });
  found(updated, 'agent', employeeId);
  const left = before.destinations.filter((queue) => !changes.destinations?.includes(queue));
  if (!changes.destinations || left.length === 0) return { returnedToQueue: [] };
  const reason = `${agentName(before)} left the destination`;
  return { returnedToQueue: await returnToQueue(deps, employeeId, left, reason) };
}
