import { useState } from 'preact/hooks';

/** The sign-in form: the reason the agent was signed out, if any, and a field to paste a token. */
export function SignIn(props: { reason: string; onToken: (token: string) => void }) {
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
