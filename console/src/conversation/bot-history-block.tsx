import type { Message } from '../api.ts';
import { clockTime, fullTime } from '../format.ts';
import { turnCount } from './bot-history.ts';
import { MessageContent } from './message-content.tsx';

/**
 * What the client told the bot before the handover, collapsed until the agent opens it: the client's
 * and the bot's turns styled apart, the oldest ones (folded into one entry when there were very many)
 * as DialogStudio sent them.
 */
export function BotHistoryBlock(props: { history: Message[]; clientName: string }) {
  const { history, clientName } = props;
  const turns = turnCount(history);
  return (
    <li class="bot-history" data-bot-history="">
      <details>
        <summary>
          Conversation with the bot · {turns} {turns === 1 ? 'turn' : 'turns'}
        </summary>
        <ol class="bot-turns">
          {history.map((entry) => (
            <li key={entry.id} class={`bot-turn ${entry.from}`} data-from={entry.from}>
              <span class="speaker">
                {entry.from === 'client' ? clientName : entry.from === 'bot' ? 'Bot' : 'Earlier turns'}
              </span>
              <p class="text">{entry.text}</p>
            </li>
          ))}
        </ol>
      </details>
    </li>
  );
}

/**
 * The client message that carried the bot conversation, folded: the turns above say the same, so the
 * agent need not read it twice, but can read it as it was sent.
 */
export function CarrierItem(props: { message: Message; clientName: string }) {
  const { message, clientName } = props;
  return (
    <li class="as-sent" data-message-id={message.id}>
      <details>
        <summary>
          {clientName}'s first message, as sent (the conversation with the bot){' '}
          <time dateTime={message.createdAt} title={fullTime(message.createdAt)}>
            {clockTime(message.createdAt)}
          </time>
        </summary>
        <div class="bubble as-sent-text">
          <MessageContent message={message} />
        </div>
      </details>
    </li>
  );
}
