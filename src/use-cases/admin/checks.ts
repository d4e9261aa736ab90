import type { Agent } from '#domain/directory/model.ts';
import { isOnline } from '#domain/directory/presence.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { NotFoundError, ValidationError } from '#domain/shared/errors.ts';
import * as z from '#domain/shared/zod.ts';

/** Managing channels, destinations and agents: the command-line tool and the local runtime's first start. */

export const destinationIdSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'use 1-64 letters, digits, - or _'));

export const nameSchema = z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(200));

/** Turns a store's "the record is gone" into the caller's 404. */
export function found(exists: boolean, kind: 'channel' | 'destination' | 'agent', id: string): void {
  if (!exists) throw new NotFoundError(`${kind}_not_found`, `No ${kind} ${id}`);
}

export function check<T>(schema: z.ZodMiniType<T>, value: unknown, path: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues[0]?.message ?? 'invalid';
  throw new ValidationError('invalid_argument', `${path}: ${message}`, [{ path, message }]);
}

export const avatarSchema = z.string().check(
  z.maxLength(2048),
  z.refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), 'must be an http(s) URL'),
);

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
