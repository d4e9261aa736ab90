import type { Desk } from '../desk/desk.ts';
import type { DeskState } from '../desk/state.ts';
import { ClientDetails } from './client-details.tsx';
import { Composer } from './composer.tsx';
import { ConversationHeader } from './conversation-header.tsx';
import { Transcript } from './transcript.tsx';

/** The selected conversation: its header with the actions, the transcript, the client's details, the composer. */
export function ConversationView({ desk, state }: { desk: Desk; state: DeskState }) {
  const conversation = desk.selected();
  if (!state.selectedId || !conversation) {
    return (
      <section class="conversation empty-pane" aria-label="Conversation">
        <p class="empty">Select a conversation from the queue.</p>
      </section>
    );
  }
  const mine = conversation.status === 'active' && conversation.assignee === state.me?.employeeId;
  return (
    <section class="conversation" aria-label={`Conversation with ${conversation.userName}`}>
      <ConversationHeader desk={desk} state={state} conversation={conversation} mine={mine} />
      <div class="conversation-body">
        <Transcript desk={desk} state={state} conversation={conversation} />
        <ClientDetails conversation={conversation} state={state} />
      </div>
      <Composer desk={desk} conversation={conversation} mine={mine} />
    </section>
  );
}
