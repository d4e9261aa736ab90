import { useEffect, useRef, useState } from 'preact/hooks';
import type { Conversation, Message } from './api.ts';
import type { Desk, DeskState, Outgoing } from './desk.ts';
import { clockTime, fileSize, fullTime, plainValue, safeHref } from './format.ts';
import { destinationName } from './queue.tsx';

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
        <Details conversation={conversation} state={state} />
      </div>
      <Composer desk={desk} conversation={conversation} mine={mine} />
    </section>
  );
}

function statusText(conversation: Conversation, state: DeskState): string {
  if (conversation.status === 'waiting') return 'Waiting';
  if (conversation.status === 'closed') return 'Closed';
  return conversation.assignee === state.me?.employeeId ? 'With you' : `With ${conversation.assignee}`;
}

function ConversationHeader(props: {
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
            {statusText(conversation, state)}
          </span>{' '}
          in {destinationName(state, conversation.destinationId)} · started{' '}
          {clockTime(conversation.createdAt)}
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
          <button type="button" onClick={() => setConfirmClose(true)}>
            Close
          </button>
        )}
        {open && free && confirmClose && (
          <span class="confirm">
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

/** Groups (with whether someone is online) and single agents (online or not); free entry if the API lists none. */
function TransferForm(props: {
  desk: Desk;
  state: DeskState;
  conversation: Conversation;
  onDone: () => void;
}) {
  const { desk, state, conversation } = props;
  const [target, setTarget] = useState('');
  const listed = state.destinations;
  const agents = new Map<string, { name: string; online: boolean }>();
  for (const group of listed ?? []) {
    for (const agent of group.agents ?? []) {
      if (agent.employeeId !== state.me?.employeeId) {
        agents.set(agent.employeeId, {
          name: `${agent.firstName} ${agent.lastName}`.trim(),
          online: agent.online,
        });
      }
    }
  }
  const groups = (
    listed ?? (state.me?.destinations ?? []).map((id) => ({ destinationId: id, name: id }))
  ).filter((group) => group.destinationId !== conversation.destinationId);
  return (
    <form
      class="transfer"
      onKeyDown={(event) => {
        if (event.key === 'Escape') props.onDone();
      }}
      onSubmit={(event) => {
        event.preventDefault();
        if (!target.trim()) return;
        props.onDone();
        void desk.transfer(conversation.conversationId, target.trim());
      }}
    >
      <label for="transfer-target">Transfer to</label>
      <select
        id="transfer-target"
        // biome-ignore lint/a11y/noAutofocus: the form opens on the agent's request, to be filled at once
        autoFocus
        value={target}
        onChange={(event) => setTarget(event.currentTarget.value)}
      >
        <option value="">Choose a group or an agent…</option>
        <optgroup label="Groups">
          {groups.map((group) => (
            <option key={group.destinationId} value={group.destinationId}>
              {group.name}
              {'hasOnline' in group && group.hasOnline !== undefined
                ? group.hasOnline
                  ? ' · online'
                  : ' · nobody online'
                : ''}
            </option>
          ))}
        </optgroup>
        {agents.size > 0 && (
          <optgroup label="Agents">
            {[...agents].map(([employeeId, agent]) => (
              <option key={employeeId} value={employeeId}>
                {agent.name || employeeId}
                {agent.online ? ' · online' : ' · offline'}
              </option>
            ))}
          </optgroup>
        )}
      </select>
      {!listed && (
        <input
          aria-label="Or a group or agent id"
          placeholder="or a group or agent id"
          value={groups.some((group) => group.destinationId === target) ? '' : target}
          onInput={(event) => setTarget(event.currentTarget.value)}
        />
      )}
      <button type="submit" class="primary" disabled={!target.trim()}>
        Transfer
      </button>
      <button type="button" class="quiet" onClick={props.onDone}>
        Cancel
      </button>
    </form>
  );
}

function Transcript(props: { desk: Desk; state: DeskState; conversation: Conversation }) {
  const { desk, state, conversation } = props;
  const end = useRef<HTMLLIElement>(null);
  const loaded = state.messagesFor === conversation.conversationId;
  const outgoing = state.outgoing.filter((item) => item.conversationId === conversation.conversationId);
  const count = state.messages.length + outgoing.length;
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
        {loaded &&
          state.messages.map((message) => (
            <MessageItem
              key={message.id}
              message={message}
              author={authorOf(message, conversation, state)}
              onRetry={() => void desk.retry(conversation.conversationId, message.id)}
            />
          ))}
        {outgoing.map((item) => (
          <OutgoingItem key={item.key} item={item} desk={desk} />
        ))}
        <li ref={end} class="end" aria-hidden="true" />
      </ol>
    </div>
  );
}

function Content({
  message,
}: {
  message: Pick<Message, 'type' | 'text' | 'url' | 'name' | 'size' | 'comment'>;
}) {
  if (message.type !== 'file') return <p class="text">{message.text}</p>;
  const href = safeHref(message.url);
  const label = message.name || message.url || 'file';
  return (
    <p class="text file">
      <span class="file-icon" aria-hidden="true" />
      {href ? (
        <a href={href} target="_blank" rel="noopener noreferrer">
          {label}
        </a>
      ) : (
        <span>{label}</span>
      )}
      {message.size ? <span class="muted"> · {fileSize(message.size)}</span> : null}
      {message.comment ? <span class="comment">{message.comment}</span> : null}
    </p>
  );
}

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

/** Who wrote a message, as the agent reads it: the client's name, "You", or the colleague's name. */
function authorOf(message: Message, conversation: Conversation, state: DeskState): string {
  if (message.from === 'client') return conversation.userName;
  if (!message.employeeId || message.employeeId === state.me?.employeeId) return 'You';
  const colleague = state.destinations
    ?.flatMap((destination) => destination.agents ?? [])
    .find((agent) => agent.employeeId === message.employeeId);
  return colleague ? `${colleague.firstName} ${colleague.lastName}`.trim() : message.employeeId;
}

function MessageItem(props: { message: Message; author: string; onRetry: () => void }) {
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
        <Content message={message} />
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

function OutgoingItem({ item, desk }: { item: Outgoing; desk: Desk }) {
  const content =
    'text' in item.content
      ? { type: 'text' as const, ...item.content }
      : { type: 'file' as const, ...item.content };
  return (
    <li class="message agent outgoing">
      <div class="bubble">
        <Content message={content} />
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

/** What the client filled in before the handoff. Hidden attributes never reach the console at all. */
function Details({ conversation, state }: { conversation: Conversation; state: DeskState }) {
  const sections = [
    { title: 'Attributes', values: conversation.attributes ?? {} },
    { title: 'Custom data', values: conversation.customData ?? {} },
  ];
  return (
    <aside class="details" aria-label="Details">
      <h2>Client</h2>
      <dl>
        <dt>User id</dt>
        <dd>{conversation.userId}</dd>
        <dt>Destination</dt>
        <dd>{destinationName(state, conversation.destinationId)}</dd>
      </dl>
      {sections.map(({ title, values }) => (
        <section key={title}>
          <h2>{title}</h2>
          {Object.keys(values).length === 0 ? (
            <p class="muted">None</p>
          ) : (
            <dl>
              {Object.entries(values).map(([key, value]) => [
                <dt key={`k-${key}`}>{key}</dt>,
                <dd key={`v-${key}`}>{plainValue(value)}</dd>,
              ])}
            </dl>
          )}
        </section>
      ))}
    </aside>
  );
}

function Composer({ desk, conversation, mine }: { desk: Desk; conversation: Conversation; mine: boolean }) {
  const [text, setText] = useState('');
  const [fileMode, setFileMode] = useState(false);
  const [file, setFile] = useState({ url: '', name: '', size: '', comment: '' });
  const input = useRef<HTMLTextAreaElement>(null);
  const id = conversation.conversationId;
  useEffect(() => {
    setText('');
    setFileMode(false);
  }, [id]);
  // Accepting moves the keyboard to the reply box.
  useEffect(() => {
    if (mine) input.current?.focus();
  }, [mine, id]);
  if (conversation.status === 'closed') return <p class="composer-note">This conversation is closed.</p>;
  if (!mine) {
    return (
      <p class="composer-note">
        {conversation.status === 'waiting'
          ? 'Accept the conversation to reply.'
          : 'Another agent is handling this conversation.'}
      </p>
    );
  }
  const sendText = () => {
    const trimmed = text.trim();
    if (!trimmed) return;
    setText('');
    void desk.send(id, { text: trimmed });
  };
  if (fileMode) {
    return (
      <form
        class="composer file-form"
        onSubmit={(event) => {
          event.preventDefault();
          const size = Number.parseInt(file.size, 10);
          void desk.send(id, {
            url: file.url.trim(),
            ...(file.name.trim() && { name: file.name.trim() }),
            ...(Number.isFinite(size) && size >= 0 && { size }),
            ...(file.comment.trim() && { comment: file.comment.trim() }),
          });
          setFile({ url: '', name: '', size: '', comment: '' });
          setFileMode(false);
        }}
      >
        <label>
          File URL
          <input
            type="url"
            required
            placeholder="https://…"
            value={file.url}
            onInput={(event) => setFile({ ...file, url: event.currentTarget.value })}
          />
        </label>
        <label>
          Name
          <input
            value={file.name}
            onInput={(event) => setFile({ ...file, name: event.currentTarget.value })}
          />
        </label>
        <label>
          Size in bytes
          <input
            type="number"
            min="0"
            step="1"
            value={file.size}
            onInput={(event) => setFile({ ...file, size: event.currentTarget.value })}
          />
        </label>
        <label>
          Comment
          <input
            value={file.comment}
            onInput={(event) => setFile({ ...file, comment: event.currentTarget.value })}
          />
        </label>
        <div class="composer-actions">
          <button type="button" class="quiet" onClick={() => setFileMode(false)}>
            Cancel
          </button>
          <button type="submit" class="primary">
            Send file link
          </button>
        </div>
      </form>
    );
  }
  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        sendText();
      }}
    >
      <textarea
        ref={input}
        aria-label="Message"
        placeholder="Write a reply… (Enter sends, Shift+Enter starts a new line)"
        rows={2}
        value={text}
        onInput={(event) => setText(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            sendText();
          }
        }}
      />
      <div class="composer-actions">
        <button type="button" class="quiet" onClick={() => setFileMode(true)}>
          Send a file link
        </button>
        <button type="submit" class="primary" disabled={!text.trim()}>
          Send
        </button>
      </div>
    </form>
  );
}
