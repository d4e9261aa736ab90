import type { Conversation, Destination, Me, Message } from './api.ts';

/** A person's name as the console shows it; empty when the API knows neither part. */
export function personName(person: { firstName: string; lastName: string }): string {
  return `${person.firstName} ${person.lastName}`.trim();
}

/** A destination by its name; the agent's own queue (its employee id) is "You". */
export function destinationName(
  destinationId: string,
  me: Me | undefined,
  destinations: Destination[] | undefined,
): string {
  if (destinationId === me?.employeeId) return 'You';
  return destinations?.find((it) => it.destinationId === destinationId)?.name ?? destinationId;
}

/** Who wrote a message, as the agent reads it: the client's name, "You", or the colleague's name. */
export function authorOf(
  message: Message,
  conversation: Conversation,
  me: Me | undefined,
  destinations: Destination[] | undefined,
): string {
  if (message.from === 'client') return conversation.userName;
  if (!message.employeeId || message.employeeId === me?.employeeId) return 'You';
  const colleague = destinations
    ?.flatMap((destination) => destination.agents ?? [])
    .find((agent) => agent.employeeId === message.employeeId);
  return colleague ? personName(colleague) : message.employeeId;
}
