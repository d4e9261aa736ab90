import { httpUrl } from '#api/http-url.ts';
import { isOnline } from '#domain/directory/availability.ts';
import type { Agent } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { NotFoundError } from '#domain/shared/errors.ts';
import { checkValue } from '#domain/shared/validation.ts';
import * as z from '#domain/shared/zod.ts';

/** What the admin use cases (the command-line tool, the local runtime's first start) share: checks of their arguments. */

export const destinationIdSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'use 1-64 letters, digits, - or _'));

export const nameSchema = z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(200));

/** Turns a store's "the record is gone" into the caller's 404. */
export function found(exists: boolean, kind: 'channel' | 'destination' | 'agent', id: string): void {
  if (!exists) throw new NotFoundError(`${kind}_not_found`, `No ${kind} ${id}`);
}

/** A command's argument as its schema reads it, or 400 `invalid_argument` naming it. */
export function check<T>(schema: z.ZodMiniType<T>, value: unknown, path: string): T {
  return checkValue(schema, value, 'invalid_argument', path);
}

export const avatarSchema = httpUrl(2048);

export async function assertDestinationsExist(deps: Deps, destinations: string[]) {
  for (const destinationId of destinations) {
    if (!(await deps.store.directory.destinations.get(destinationId))) {
      throw new NotFoundError('destination_not_found', `No destination ${destinationId}`, [
        { path: 'destinations', message: `no destination ${destinationId}` },
      ]);
    }
  }
}

/** An agent as the command-line tool shows it: no token hash, presence as it counts now. */
export function agentSummary(deps: Deps, agent: Agent) {
  const { secretHash: _hash, ...visible } = agent;
  return { ...visible, online: isOnline(agent, deps.now(), deps.config.PRESENCE_TIMEOUT_SECONDS) };
}

export interface AgentProfileInput {
  firstName: string;
  lastName: string;
  avatarUrl?: string;
  destinations: string[];
}

export async function existingAgent(deps: Deps, employeeId: string): Promise<Agent> {
  const agent = await deps.store.directory.agents.get(employeeId);
  if (!agent) throw new NotFoundError('agent_not_found', `No agent ${employeeId}`);
  return agent;
}
