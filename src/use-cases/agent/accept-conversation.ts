import { agentView } from '#domain/conversations/views.ts';
import { agentName } from '#domain/directory/agents.ts';
import type { Agent } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { changeAsAgent } from '#use-cases/agent/access.ts';

/** Assigns the conversation to the agent. The write is guarded: of two agents one wins, the other gets 409. */
export async function acceptConversation(deps: Deps, agent: Agent, conversationId: string) {
  const { conversation } = await changeAsAgent(deps, agent, conversationId, (current) =>
    current.assignee === agent.employeeId
      ? undefined
      : {
          set: { status: 'active', assignee: agent.employeeId },
          queue: { ...current, status: 'active' },
          entries: [
            {
              content: {
                from: 'system',
                type: 'note',
                note: 'accepted',
                employeeId: agent.employeeId,
                text: `Accepted by ${agentName(agent)}`,
              },
            },
          ],
        },
  );
  return agentView(conversation);
}
