import type { Conversation } from '../api.ts';

/** A conversation's state in words, from the signed-in agent's side. */
export function statusText(conversation: Conversation, myEmployeeId: string | undefined): string {
  if (conversation.status === 'waiting') return 'Waiting';
  if (conversation.status === 'closed') return 'Closed';
  return conversation.assignee === myEmployeeId ? 'With you' : `With ${conversation.assignee}`;
}
