import { useState } from 'preact/hooks';
import { rememberToken, storedToken, takeTokenFromAddress } from './session.ts';
import { SignIn } from './sign-in.tsx';
import { SignedIn } from './signed-in.tsx';

/** Signed in with the token from the link or the tab's storage, or the sign-in form. */
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
