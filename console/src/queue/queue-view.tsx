import type { Desk } from '../desk/desk.ts';
import { shownConversations } from '../desk/queue-views.ts';
import type { DeskState, View } from '../desk/state.ts';
import { useNow } from '../hooks.ts';
import { destinationName } from '../names.ts';
import { QueueItem } from './queue-item.tsx';
import { ViewTabs } from './view-tabs.tsx';
import { YourGroups } from './your-groups.tsx';

/** The left pane: the views, the destination filter, the conversations, and the agent's groups. */
export function QueueView({ desk, state }: { desk: Desk; state: DeskState }) {
  const now = useNow();
  const shown = shownConversations(state);
  const queues = [...(state.me?.destinations ?? []), ...(state.me ? [state.me.employeeId] : [])];
  return (
    <aside class="queue" aria-label="Conversations">
      <ViewTabs desk={desk} state={state} />
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
      <YourGroups state={state} />
    </aside>
  );
}

function emptyText(view: View): string {
  if (view === 'waiting') return 'Nobody is waiting. New conversations appear here.';
  if (view === 'mine') return 'You have no open conversations. Accept one from Waiting.';
  return 'No closed conversations yet.';
}
