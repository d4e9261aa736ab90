import type { Agent } from '#domain/directory/model.ts';

export function agentName(agent: Pick<Agent, 'firstName' | 'lastName'>): string {
  return `${agent.firstName} ${agent.lastName}`.trim();
}

/** An agent sees the queues of its groups and its own queue (a conversation sent to it by employeeId). */
export function queuesOf(agent: Agent): string[] {
  return [...agent.destinations, agent.employeeId];
}
