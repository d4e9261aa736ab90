import type { Deps } from '#domain/shared/deps.ts';
import { agentSummary } from '#use-cases/admin/checks.ts';

export async function listAgents(deps: Deps) {
  return (await deps.store.directory.agents.list()).map((agent) => agentSummary(deps, agent));
}
