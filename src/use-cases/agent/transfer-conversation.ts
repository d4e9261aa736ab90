import type { TransferInput } from '#api/agent.ts';
import { agentView } from '#domain/conversations/views.ts';
import { hasOnline } from '#domain/directory/availability.ts';
import { findDestination } from '#domain/directory/destinations.ts';
import type { Agent } from '#domain/directory/model.ts';
import { employeeOf, selectDestinationEvent } from '#domain/platform/dialogstudio/events.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { ValidationError } from '#domain/shared/errors.ts';
import { changeAsAgent } from '#use-cases/agent/access.ts';

export async function transferConversation(
  deps: Deps,
  agent: Agent,
  conversationId: string,
  input: TransferInput,
) {
  // For an agent an unknown id is its own mistake; DialogStudio's land in the default destination instead.
  const target = await findDestination(deps, input.destinationId);
  if (!target) {
    throw new ValidationError('unknown_destination', `destinationId: no destination ${input.destinationId}`, [
      { path: 'destinationId', message: 'no such destination or agent' },
    ]);
  }
  const agents = await deps.store.directory.agents.list();
  const destination = {
    destinationId: target.destinationId,
    name: target.name,
    hasOnline: hasOnline(target, agents, deps.now(), deps.config.PRESENCE_TIMEOUT_SECONDS),
  };
  const employee = employeeOf(agent, deps.config);
  const { conversation, entries } = await changeAsAgent(deps, agent, conversationId, (current) => ({
    set: { destinationId: target.destinationId, status: 'waiting', assignee: undefined },
    queue: { ...current, destinationId: target.destinationId, status: 'waiting' },
    entries: [
      {
        content: {
          from: 'system',
          type: 'note',
          note: 'moved',
          employeeId: agent.employeeId,
          text: `Moved to ${target.name}`,
        },
        event: {
          target: 'dialogstudio',
          payload: ({ id }, { userId }) => selectDestinationEvent(id, userId, employee, destination),
        },
      },
    ],
  }));
  return { ...agentView(conversation), eventId: entries[0]?.id };
}
