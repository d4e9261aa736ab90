import type { Message } from '../api.ts';
import { clockTime, fullTime } from '../format.ts';
import { MessageContent } from './message-content.tsx';

/** A transcript entry: a system note on one line, or a bubble with its author, time and delivery. */
export function MessageItem(props: { message: Message; author: string; onRetry: () => void }) {
  const { message, onRetry } = props;
  if (message.from === 'system') {
    return (
      <li class="message system" data-message-id={message.id}>
        <span class="note">{message.text}</span>
        <time dateTime={message.createdAt} title={fullTime(message.createdAt)}>
          {clockTime(message.createdAt)}
        </time>
        <DeliveryState message={message} onRetry={onRetry} />
      </li>
    );
  }
  return (
    <li class={`message ${message.from}`} data-message-id={message.id}>
      <div class="bubble">
        <MessageContent message={message} />
      </div>
      <div class="meta">
        <span class="author">{props.author}</span>
        <time dateTime={message.createdAt} title={fullTime(message.createdAt)}>
          {clockTime(message.createdAt)}
        </time>
        <DeliveryState message={message} onRetry={onRetry} />
      </div>
    </li>
  );
}

/** Where an event to DialogStudio stands: sending (retrying, with the last error), delivered, or failed with Retry. */
function DeliveryState({ message, onRetry }: { message: Message; onRetry: () => void }) {
  const delivery = message.delivery;
  if (!delivery) return null;
  if (delivery.status === 'delivered') {
    return (
      <span class="delivery delivered" data-delivery="delivered">
        Delivered
      </span>
    );
  }
  if (delivery.status === 'failed') {
    return (
      <span class="delivery failed" data-delivery="failed">
        Failed{delivery.lastError ? `: ${delivery.lastError}` : ''}
        <button type="button" class="link" onClick={onRetry}>
          Retry
        </button>
      </span>
    );
  }
  return (
    <span class="delivery pending" data-delivery="pending" title={delivery.lastError}>
      {delivery.attempts && delivery.lastError ? `Sending… (retrying: ${delivery.lastError})` : 'Sending…'}
    </span>
  );
}
