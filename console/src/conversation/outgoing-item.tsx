import type { Desk } from '../desk/desk.ts';
import type { Outgoing } from '../desk/state.ts';
import { MessageContent } from './message-content.tsx';

/** A reply the API has not confirmed yet: "Sending…", or the reason it was not sent with Try again and Discard. */
export function OutgoingItem({ item, desk }: { item: Outgoing; desk: Desk }) {
  const content =
    'text' in item.content
      ? { type: 'text' as const, ...item.content }
      : { type: 'file' as const, ...item.content };
  return (
    <li class="message agent outgoing">
      <div class="bubble">
        <MessageContent message={content} />
      </div>
      <div class="meta">
        <span class="author">You</span>
        {item.error ? (
          <span class="delivery failed">
            Not sent: {item.error}
            <button
              type="button"
              class="link"
              onClick={() => void desk.send(item.conversationId, item.content, item)}
            >
              Try again
            </button>
            <button type="button" class="link" onClick={() => desk.discard(item.key)}>
              Discard
            </button>
          </span>
        ) : (
          <span class="delivery pending" data-delivery="sending">
            Sending…
          </span>
        )}
      </div>
    </li>
  );
}
