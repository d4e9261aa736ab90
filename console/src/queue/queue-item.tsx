import type { Conversation } from '../api.ts';
import { waitingFrom } from '../conversation/first-response.ts';
import type { DeskState } from '../desk/state.ts';
import { duration } from '../format.ts';
import { destinationName } from '../names.ts';

/** One conversation in the queue: who, how long it has waited (or since its last message), its last words. */
export function QueueItem(props: {
  conversation: Conversation;
  state: DeskState;
  now: number;
  onSelect: () => void;
}) {
  const { conversation, state, now } = props;
  const preview = state.previews[conversation.conversationId]?.text;
  const selected = state.selectedId === conversation.conversationId;
  const since =
    conversation.status === 'waiting'
      ? `waiting ${duration(waitingFrom(conversation), now)}`
      : `last message ${duration(conversation.lastMessageAt, now)}`;
  return (
    <li>
      <button
        type="button"
        class={selected ? 'queue-item selected' : 'queue-item'}
        aria-current={selected ? 'true' : undefined}
        data-conversation-id={conversation.conversationId}
        onClick={props.onSelect}
      >
        <span class="row">
          <span class="user">{conversation.userName}</span>
          <span class="since">{since}</span>
        </span>
        <span class="row">
          <span class="preview">{preview ?? '\u00a0'}</span>
          <span class="chip">
            {destinationName(conversation.destinationId, state.me, state.destinations)}
          </span>
        </span>
      </button>
    </li>
  );
}
