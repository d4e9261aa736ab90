import type { Conversation } from '../api.ts';
import type { DeskState, View } from './state.ts';

export function inView(conversation: Conversation, view: View, myEmployeeId: string | undefined): boolean {
  if (view === 'waiting') return conversation.status === 'waiting';
  if (view === 'mine') return conversation.status === 'active' && conversation.assignee === myEmployeeId;
  return conversation.status === 'closed';
}

function listedIn(state: DeskState, view: View, conversations: Conversation[]): Conversation[] {
  return conversations.filter(
    (conversation) =>
      inView(conversation, view, state.me?.employeeId) &&
      (!state.destinationFilter || conversation.destinationId === state.destinationFilter),
  );
}

/** The conversations of the current view and destination filter, in the order the API listed them. */
export function shownConversations(state: DeskState): Conversation[] {
  return listedIn(state, state.view, state.view === 'closed' ? state.closed : state.open);
}

/** How many conversations a view's tab counts; "200+" when older closed ones were not read. */
export function viewCount(state: DeskState, view: View): string {
  const n = listedIn(state, view, [...state.open, ...state.closed]).length;
  return view === 'closed' && state.closedMore ? `${n}+` : String(n);
}

/** The tab's title: how many wait, so a background tab shows it. */
export function documentTitle(open: Conversation[]): string {
  const waiting = open.filter((conversation) => conversation.status === 'waiting').length;
  return `${waiting > 0 ? `(${waiting}) ` : ''}Agent console · Operator Bridge`;
}
