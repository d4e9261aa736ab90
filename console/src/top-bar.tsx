import { useState } from 'preact/hooks';
import type { Desk } from './desk/desk.ts';
import type { DeskState } from './desk/state.ts';
import type { LiveState } from './live.ts';

const liveLabels: Record<LiveState, { text: string; title: string }> = {
  connecting: { text: 'Connecting…', title: 'Opening live updates' },
  live: { text: 'Live', title: 'Changes arrive as they happen' },
  reconnecting: { text: 'Reconnecting…', title: 'Live updates were interrupted; trying again' },
};

function notificationsAsked(): boolean {
  return typeof Notification === 'undefined' || Notification.permission !== 'default';
}

export function TopBar({ desk, state }: { desk: Desk; state: DeskState }) {
  const [asked, setAsked] = useState(notificationsAsked);
  const me = state.me;
  const live = liveLabels[state.live];
  return (
    <header class="top-bar">
      <div class="brand">
        <span class="logo" aria-hidden="true" />
        <span class="brand-name">Agent console</span>
      </div>
      <span class={`live live-${state.live}`} role="status" title={live.title} data-live={state.live}>
        <span class="dot" aria-hidden="true" />
        {live.text}
      </span>
      <div class="spacer" />
      {!asked && (
        <button
          type="button"
          class="quiet"
          onClick={() => void Notification.requestPermission().then(() => setAsked(true))}
        >
          Enable notifications
        </button>
      )}
      {state.presenceError && (
        <span class="presence-error" role="alert">
          {state.presenceError}
        </span>
      )}
      <button
        type="button"
        role="switch"
        aria-checked={state.online}
        class={`presence ${state.online ? 'is-online' : 'is-away'}`}
        title={state.presenceError ?? (state.online ? 'You receive conversations' : 'You appear away')}
        onClick={() => void desk.setOnline(!state.online)}
      >
        <span class="dot" aria-hidden="true" />
        {state.online ? 'Online' : 'Away'}
      </button>
      <span class="who" title={me?.employeeId}>
        {me ? `${me.firstName} ${me.lastName}`.trim() || me.employeeId : ''}
      </span>
      <button type="button" class="quiet" onClick={() => void desk.signOut()}>
        Sign out
      </button>
    </header>
  );
}
