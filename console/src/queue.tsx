import type { Conversation } from './api.ts';
import type { Desk } from './desk/desk.ts';
import { shownConversations, viewCount } from './desk/queue-views.ts';
import type { DeskState, View } from './desk/state.ts';
import { duration } from './format.ts';
import { useNow } from './hooks.ts';
import { destinationName } from './names.ts';

const views: { view: View; label: string }[] = [
  { view: 'waiting', label: 'Waiting' },
  { view: 'mine', label: 'Mine' },
  { view: 'closed', label: 'Closed' },
];

export function QueueView({ desk, state }: { desk: Desk; state: DeskState }) {
  const now = useNow();
  const shown = shownConversations(state);
  const queues = [...(state.me?.destinations ?? []), ...(state.me ? [state.me.employeeId] : [])];
  return (
    <aside class="queue" aria-label="Conversations">
      <div
        class="tabs"
        role="tablist"
        aria-label="Queue"
        onKeyDown={(event) => {
          // The tabs pattern: arrows move between views, and the focus goes along.
          const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
          if (!step) return;
          const index = views.findIndex(({ view }) => view === state.view);
          const next = views[(index + step + views.length) % views.length];
          if (!next) return;
          desk.setView(next.view);
          event.currentTarget.querySelector<HTMLElement>(`[data-view="${next.view}"]`)?.focus();
        }}
      >
        {views.map(({ view, label }) => (
          <button
            type="button"
            role="tab"
            key={view}
            data-view={view}
            tabIndex={state.view === view ? 0 : -1}
            aria-selected={state.view === view}
            class={state.view === view ? 'tab selected' : 'tab'}
            onClick={() => desk.setView(view)}
          >
            {label} <span class="count">{state.queueLoaded ? viewCount(state, view) : '…'}</span>
          </button>
        ))}
      </div>
      <div class="filter">
        <label for="destination-filter">Destination</label>
        <select
          id="destination-filter"
          value={state.destinationFilter}
          onChange={(event) => desk.setDestinationFilter(event.currentTarget.value)}
        >
          <option value="">All destinations</option>
          {queues.map((id) => (
            <option key={id} value={id}>
              {id === state.me?.employeeId ? 'Sent to me' : destinationName(id, state.me, state.destinations)}
            </option>
          ))}
        </select>
      </div>
      {state.queueError && (
        <p class="alert compact" role="alert">
          Could not load the queue: {state.queueError}
        </p>
      )}
      {!state.queueLoaded && !state.queueError && (
        <p class="empty" role="status">
          Loading conversations…
        </p>
      )}
      {state.queueLoaded && shown.length === 0 && <p class="empty">{emptyText(state.view)}</p>}
      <ul class="conversation-list">
        {shown.map((conversation) => (
          <QueueItem
            key={conversation.conversationId}
            conversation={conversation}
            state={state}
            now={now}
            onSelect={() => desk.select(conversation.conversationId)}
          />
        ))}
      </ul>
      <Groups state={state} />
    </aside>
  );
}

function emptyText(view: View): string {
  if (view === 'waiting') return 'Nobody is waiting. New conversations appear here.';
  if (view === 'mine') return 'You have no open conversations. Accept one from Waiting.';
  return 'No closed conversations yet.';
}

function QueueItem(props: {
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
      ? `waiting ${duration(conversation.createdAt, now)}`
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

/** The agent's groups, and whether DialogStudio sees each as online (someone in it is online). */
function Groups({ state }: { state: DeskState }) {
  const groups = state.me?.destinations ?? [];
  if (groups.length === 0) return null;
  return (
    <section class="groups" aria-label="Your groups">
      <h2>Your groups</h2>
      <ul>
        {groups.map((id) => {
          const known = state.destinations?.find((it) => it.destinationId === id);
          const online = known?.hasOnline;
          return (
            <li key={id}>
              <span>{known?.name ?? id}</span>
              {online === undefined ? (
                // Without the server's word: a group is online while one of its agents is, so at least while you are.
                <span class={state.online ? 'state online' : 'state unknown'}>
                  {state.online ? 'online for DialogStudio' : 'online only if a colleague is'}
                </span>
              ) : (
                <span class={online ? 'state online' : 'state offline'}>
                  {online ? 'online for DialogStudio' : 'offline for DialogStudio'}
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
