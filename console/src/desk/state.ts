import type { CannedReply, Conversation, Destination, FileLink, Me, Message } from '../api.ts';
import type { LiveState } from '../live.ts';

export type View = 'waiting' | 'mine' | 'closed';

/** An agent message on its way: shown as "sending" until the transcript has it. */
export interface Outgoing {
  key: string;
  conversationId: string;
  content: { text: string } | FileLink;
  error?: string;
}

/** Everything the console shows, for one signed-in agent; components read it, the desk changes it. */
export interface DeskState {
  me?: Me;
  loadError?: string;
  online: boolean;
  presenceError?: string;
  live: LiveState;
  queueLoaded: boolean;
  queueError?: string;
  open: Conversation[];
  closed: Conversation[];
  closedMore: boolean;
  /** The last message of each open conversation, by conversation id, with the `lastMessageAt` it was read at. */
  previews: Record<string, { at: string; text: string }>;
  /** Groups and agents to transfer to, with online state; undefined until the API has answered. */
  destinations?: Destination[];
  /** The canned replies the composer offers after `/`; empty until the API has answered. */
  cannedReplies: CannedReply[];
  view: View;
  destinationFilter: string;
  selectedId?: string;
  messages: Message[];
  messagesFor?: string;
  messagesError?: string;
  outgoing: Outgoing[];
  /** A plain sentence for the agent, such as "Another agent took it". */
  notice?: string;
}

export const initialDeskState: DeskState = {
  online: false,
  live: 'connecting',
  queueLoaded: false,
  open: [],
  closed: [],
  closedMore: false,
  previews: {},
  cannedReplies: [],
  view: 'waiting',
  destinationFilter: '',
  messages: [],
  outgoing: [],
};
