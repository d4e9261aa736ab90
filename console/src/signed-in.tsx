import { useEffect, useState } from 'preact/hooks';
import { ConversationView } from './conversation/conversation-view.tsx';
import { Desk } from './desk/desk.ts';
import { useDesk } from './hooks.ts';
import { QueueView } from './queue/queue-view.tsx';
import { TopBar } from './top-bar.tsx';

/** The desk of a signed-in agent: the top bar, a notice, the queue and the open conversation. */
export function SignedIn(props: { token: string; onSignedOut: (reason: string) => void }) {
  const [desk] = useState(() => new Desk(props.token, props.onSignedOut));
  const state = useDesk(desk);
  useEffect(() => {
    void desk.start();
    return () => desk.stop();
  }, [desk]);

  if (state.loadError) {
    return (
      <main class="sign-in">
        <div class="card sign-in-card">
          <h1>Agent console</h1>
          <p class="alert" role="alert">
            {state.loadError}
          </p>
          <button type="button" class="primary" onClick={() => location.reload()}>
            Try again
          </button>
        </div>
      </main>
    );
  }
  if (!state.me) {
    return (
      <p class="boot" role="status">
        Signing in…
      </p>
    );
  }
  return (
    <div class={`desk${state.selectedId ? ' has-selection' : ''}`}>
      <TopBar desk={desk} state={state} />
      {state.notice && (
        <div class="notice" role="alert">
          <span>{state.notice}</span>
          <button type="button" class="link" onClick={() => desk.dismissNotice()}>
            Dismiss
          </button>
        </div>
      )}
      <main class="panes">
        <QueueView desk={desk} state={state} />
        <ConversationView desk={desk} state={state} />
      </main>
    </div>
  );
}
