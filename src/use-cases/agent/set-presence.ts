import type { PresenceInput } from '#api/agent.ts';
import type { Agent } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';

/** Presence and its heartbeat: an agent counts as online while it repeats this within the timeout. */
export async function setPresence(deps: Deps, agent: Agent, input: PresenceInput) {
  const lastSeenAt = deps.now().toISOString();
  await deps.store.directory.agents.update(agent.employeeId, { online: input.online, lastSeenAt });
  const timeout = deps.config.PRESENCE_TIMEOUT_SECONDS;
  return { online: input.online, heartbeatSeconds: Math.max(1, Math.floor(timeout / 4)) };
}
