import { reserveId } from '#domain/directory/id-namespace.ts';
import type { Agent } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { ConflictError } from '#domain/shared/errors.ts';
import { newCredential, newId } from '#domain/shared/ids.ts';
import {
  type AgentProfileInput,
  agentSummary,
  assertDestinationsExist,
  avatarSchema,
  check,
  destinationIdSchema,
  nameSchema,
} from '#use-cases/admin/checks.ts';

/**
 * A new agent with its bearer token (shown once, stored hashed). The employee id is also a
 * destination id for DialogStudio, so it may not collide with a group's.
 */
export async function createAgent(deps: Deps, input: AgentProfileInput & { employeeId?: string }) {
  const employeeId = check(destinationIdSchema, input.employeeId ?? newId('ag'), 'employeeId');
  await assertDestinationsExist(deps, input.destinations);
  await reserveId(deps, employeeId, 'agent', 'employeeId');
  const { token, secretHash } = newCredential(employeeId);
  const agent: Agent = {
    employeeId,
    firstName: check(nameSchema, input.firstName, 'firstName'),
    lastName: check(nameSchema, input.lastName, 'lastName'),
    ...(input.avatarUrl && { avatarUrl: check(avatarSchema, input.avatarUrl, 'avatarUrl') }),
    destinations: [...new Set(input.destinations)],
    secretHash,
    revoked: false,
    online: false,
    createdAt: deps.now().toISOString(),
  };
  if (!(await deps.store.directory.agents.create(agent))) {
    throw new ConflictError('agent_exists', `Agent ${employeeId} exists already`);
  }
  return { agent: agentSummary(deps, agent), token };
}
