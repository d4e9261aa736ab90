import { isOnline } from '#domain/directory/availability.ts';
import type { Agent } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';

export function getMe(deps: Deps, agent: Agent) {
  return {
    ...deps.platform.senderOf(agent),
    destinations: agent.destinations,
    online: isOnline(agent, deps.now(), deps.config.PRESENCE_TIMEOUT_SECONDS),
  };
}
