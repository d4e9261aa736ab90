import { useEffect, useRef } from 'preact/hooks';
import type { Conversation, Message } from '../api.ts';
import type { Desk } from '../desk/desk.ts';
import type { DeskState } from '../desk/state.ts';
import { authorOf } from '../names.ts';
import { splitBotHistory } from './bot-history.ts';
import { BotHistoryBlock, CarrierItem } from './bot-history-block.tsx';
import { MessageItem } from './message-item.tsx';
import { OutgoingItem } from './outgoing-item.tsx';

/**
 * The messages, oldest first, then the replies still on their way; scrolled to the newest. The bot
 * conversation the client's first message carried sits before the live messages, collapsed.
 */
export function Transcript(props: { desk: Desk; state: DeskState; conversation: Conversation }) {
  const { desk, state, conversation } = props;
  const end = useRef<HTMLLIElement>(null);
  const loaded = state.messagesFor === conversation.conversationId;
  const outgoing = state.outgoing.filter((item) => item.conversationId === conversation.conversationId);
  const count = state.messages.length + outgoing.length;
  const parts = splitBotHistory(state.messages);
  const item = (message: Message) => (
    <MessageItem
      key={message.id}
      message={message}
      author={authorOf(message, conversation, state.me, state.destinations)}
      onRetry={() => void desk.retry(conversation.conversationId, message.id)}
    />
  );
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [count, conversation.conversationId]);
  return (
    <div class="transcript-pane">
      {state.messagesError && (
        <p class="alert compact" role="alert">
          Could not load the messages: {state.messagesError}
        </p>
      )}
      {!loaded && !state.messagesError && (
        <p class="empty" role="status">
          Loading messages…
        </p>
      )}
      {loaded && count === 0 && <p class="empty">No messages yet.</p>}
      <ol class="transcript" aria-live="polite">
        {loaded && parts.before.map(item)}
        {loaded && parts.history.length > 0 && (
          <BotHistoryBlock history={parts.history} clientName={conversation.userName} />
        )}
        {loaded && parts.carrier && (
          <CarrierItem message={parts.carrier} clientName={conversation.userName} />
        )}
        {loaded && parts.after.map(item)}
        {outgoing.map((item) => (
          <OutgoingItem key={item.key} item={item} desk={desk} />
        ))}
        <li ref={end} class="end" aria-hidden="true" />
      </ol>
    </div>
  );
}
