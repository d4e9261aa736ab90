import { useEffect, useState } from 'preact/hooks';
import type { Conversation } from '../api.ts';
import type { Desk } from '../desk/desk.ts';
import type { DeskState } from '../desk/state.ts';
import { clockTime } from '../format.ts';
import { destinationName } from '../names.ts';
import { firstResponseText } from './first-response.ts';
import { statusText } from './status-text.ts';
import { TransferForm } from './transfer-form.tsx';

/** Who the client is and where the conversation stands, with Accept, Transfer and Close (confirmed). */
export function ConversationHeader(props: {
  desk: Desk;
  state: DeskState;
  conversation: Conversation;
  mine: boolean;
}) {
  const { desk, state, conversation, mine } = props;
  const [confirmClose, setConfirmClose] = useState(false);
  const [transferring, setTransferring] = useState(false);
  const id = conversation.conversationId;
  const open = conversation.status !== 'closed';
  const free = !conversation.assignee || mine;
  useEffect(() => {
    setConfirmClose(false);
    setTransferring(false);
  }, [id]);
  return (
    <header class="conversation-header">
      <button
        type="button"
        class="back quiet"
        onClick={() => desk.select(undefined)}
        aria-label="Back to the queue"
      >
        ←
      </button>
      <div class="title">
        <h1>{conversation.userName}</h1>
        <p class="muted">
          <span class={`status status-${conversation.status}`} data-status={conversation.status}>
            {statusText(conversation, state.me?.employeeId)}
          </span>{' '}
          in {destinationName(conversation.destinationId, state.me, state.destinations)} · started{' '}
          {clockTime(conversation.createdAt)} ·{' '}
          <span class="first-response">{firstResponseText(conversation)}</span>
        </p>
      </div>
      <div class="actions">
        {conversation.status === 'waiting' && (
          <button type="button" class="primary" onClick={() => void desk.accept(id)}>
            Accept
          </button>
        )}
        {open && free && (
          <button type="button" aria-expanded={transferring} onClick={() => setTransferring(!transferring)}>
            Transfer
          </button>
        )}
        {open && free && !confirmClose && (
          <button
            type="button"
            title="Close the conversation: the client goes back to the bot"
            onClick={() => setConfirmClose(true)}
          >
            Close
          </button>
        )}
        {open && free && confirmClose && (
          <span class="confirm">
            {/* DialogStudio answers Closed with livechatFinished: the bot takes the client back. */}
            <span class="hint">Closing hands the client back to the bot.</span>
            <button
              type="button"
              class="danger"
              onClick={() => {
                setConfirmClose(false);
                void desk.close(id);
              }}
            >
              Close conversation
            </button>
            <button type="button" class="quiet" onClick={() => setConfirmClose(false)}>
              Keep open
            </button>
          </span>
        )}
      </div>
      {transferring && (
        <TransferForm
          desk={desk}
          state={state}
          conversation={conversation}
          onDone={() => setTransferring(false)}
        />
      )}
    </header>
  );
}
