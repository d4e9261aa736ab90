import type { Conversation, Destination, Me } from '../api.ts';
import { personName } from '../names.ts';

interface TransferTargets {
  /** Every group but the conversation's own; `hasOnline` only once the destinations are loaded. */
  groups: { destinationId: string; name: string; hasOnline?: boolean }[];
  /** Every agent of those groups but the signed-in one, each once. */
  agents: { employeeId: string; name: string; online: boolean }[];
}

/**
 * Where a conversation can go: the groups (with whether DialogStudio sees someone online) and single
 * agents. Until `GET /agent/destinations` has answered, the agent's own groups by id.
 */
export function transferTargets(
  conversation: Conversation,
  me: Me | undefined,
  destinations: Destination[] | undefined,
): TransferTargets {
  const agents = new Map<string, TransferTargets['agents'][number]>();
  for (const group of destinations ?? []) {
    for (const agent of group.agents ?? []) {
      if (agent.employeeId === me?.employeeId) continue;
      agents.set(agent.employeeId, {
        employeeId: agent.employeeId,
        name: personName(agent) || agent.employeeId,
        online: agent.online,
      });
    }
  }
  const listed: TransferTargets['groups'] =
    destinations ?? (me?.destinations ?? []).map((id) => ({ destinationId: id, name: id }));
  const groups = listed
    .filter((group) => group.destinationId !== conversation.destinationId)
    .map(({ destinationId, name, hasOnline }) => ({ destinationId, name, hasOnline }));
  return { groups, agents: [...agents.values()] };
}

export function groupLabel(group: TransferTargets['groups'][number]): string {
  if (group.hasOnline === undefined) return group.name;
  return `${group.name}${group.hasOnline ? ' · online' : ' · nobody online'}`;
}

export function agentLabel(agent: TransferTargets['agents'][number]): string {
  return `${agent.name}${agent.online ? ' · online' : ' · offline'}`;
}
