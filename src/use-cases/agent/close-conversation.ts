import { agentView } from '#domain/conversations/views.ts';
import type { Agent } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { changeAsAgent } from '#use-cases/agent/access.ts';

export async function closeConversation(deps: Deps, agent: Agent, conversationId: string) {
  const sender = deps.platform.senderOf(agent);
  const closedAt = deps.now().toISOString();
  const { conversation, entries } = await changeAsAgent(deps, agent, conversationId, (current) => ({
    set: { status: 'closed', closedAt },
    queue: { ...current, status: 'closed' },
    entries: [
      {
        content: {
          from: 'system',
          type: 'note',
          note: 'closed_by_agent',
          employeeId: agent.employeeId,
          text: 'Closed by agent',
        },
        event: deps.platform.closed(sender),
      },
    ],
  }));
  await deps.store.conversations.releasePointer(conversation.channelId, conversation.userId, conversationId);
  return { ...agentView(conversation), eventId: entries[0]?.id };
}
