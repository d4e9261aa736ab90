import { useEffect, useState } from 'preact/hooks';
import { ConversationView } from './conversation/conversation-view.tsx';
import { Desk } from './desk/desk.ts';
import { useDesk } from './hooks.ts';
import { QueueView } from './queue.tsx';
import { rememberToken, storedToken, takeTokenFromAddress } from './session.ts';
import { TopBar } from './top-bar.tsx';

export function App() {
  const [token, setToken] = useState(() => takeTokenFromAddress() ?? storedToken());
  const [signedOutReason, setSignedOutReason] = useState('');
  if (!token) {
    return (
      <SignIn
        reason={signedOutReason}
        onToken={(pasted) => {
          rememberToken(pasted);
          setSignedOutReason('');
          setToken(pasted);
        }}
      />
    );
  }
  return (
    <SignedIn
      key={token}
      token={token}
      onSignedOut={(reason) => {
        setSignedOutReason(reason);
        setToken(undefined);
      }}
    />
  );
}

function SignIn(props: { reason: string; onToken: (token: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <main class="sign-in">
      <form
        class="card sign-in-card"
        onSubmit={(event) => {
          event.preventDefault();
          if (value.trim()) props.onToken(value.trim());
        }}
      >
        <h1>Agent console</h1>
        <p class="muted">Operator Bridge</p>
        {props.reason ? (
          <p class="alert" role="alert">
            {props.reason}
          </p>
        ) : (
          <p>Open the console link you were given, or paste your agent token.</p>
        )}
        <label for="token">Agent token</label>
        <input
          id="token"
          type="password"
          autocomplete="off"
          spellcheck={false}
          placeholder="agent-1.xxxxxxxx"
          value={value}
          onInput={(event) => setValue(event.currentTarget.value)}
        />
        <button type="submit" class="primary" disabled={!value.trim()}>
          Sign in
        </button>
        <p class="hint">The token stays in this tab only and is forgotten when you sign out or close it.</p>
      </form>
    </main>
  );
}

function SignedIn(props: { token: string; onSignedOut: (reason: string) => void }) {
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
