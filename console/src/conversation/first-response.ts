import type { Conversation } from '../api.ts';

/**
 * How long the client waited for an agent's first answer, as the conversation header says it:
 * from `waitingSince` (its creation when the server gives none, or when it started waiting again after
 * that answer) to `firstResponseAt`.
 */
export function firstResponseText(conversation: Conversation): string {
  const answered = conversation.firstResponseAt;
  if (!answered) return conversation.status === 'closed' ? 'never answered' : 'not answered yet';
  const waiting = conversation.waitingSince;
  const from = waiting && waiting <= answered ? waiting : conversation.createdAt;
  const seconds = Math.max(0, Math.round((Date.parse(answered) - Date.parse(from)) / 1000));
  if (seconds < 60) return `first response in ${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `first response in ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `first response in ${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}

/** When a waiting conversation began to wait: `waitingSince`, or its creation when the server gives none. */
export function waitingFrom(conversation: Conversation): string {
  return conversation.waitingSince ?? conversation.createdAt;
}
