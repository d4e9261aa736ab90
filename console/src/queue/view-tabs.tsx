import type { Desk } from '../desk/desk.ts';
import { viewCount } from '../desk/queue-views.ts';
import type { DeskState, View } from '../desk/state.ts';

const views: { view: View; label: string }[] = [
  { view: 'waiting', label: 'Waiting' },
  { view: 'mine', label: 'Mine' },
  { view: 'closed', label: 'Closed' },
];

/** Waiting, Mine and Closed, each with its count; the arrow keys move between them. */
export function ViewTabs({ desk, state }: { desk: Desk; state: DeskState }) {
  return (
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
  );
}
