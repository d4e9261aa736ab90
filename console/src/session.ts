/** Where the agent token lives in the browser: this tab's session storage, never in the address bar. */

const tokenKey = 'operator-bridge.agent-token';
const presenceKey = 'operator-bridge.presence';

/**
 * The sign-in link is `{consoleUrl}#token=...`: the fragment never reaches a server. The token is kept
 * for this tab and the fragment is cleared from the address bar (and so from the history).
 */
export function takeTokenFromAddress(): string | undefined {
  if (!location.hash) return undefined;
  const token = new URLSearchParams(location.hash.slice(1)).get('token')?.trim();
  history.replaceState(history.state, '', `${location.pathname}${location.search}`);
  if (token) sessionStorage.setItem(tokenKey, token);
  return token || undefined;
}

export function storedToken(): string | undefined {
  return sessionStorage.getItem(tokenKey) ?? undefined;
}

export function rememberToken(token: string): void {
  sessionStorage.setItem(tokenKey, token);
}

export function forgetSession(): void {
  sessionStorage.removeItem(tokenKey);
  sessionStorage.removeItem(presenceKey);
}

/** Whether the agent chose to be online in this tab, so that a reload keeps it. */
export function rememberedOnline(): boolean | undefined {
  const value = sessionStorage.getItem(presenceKey);
  return value === null ? undefined : value === 'online';
}

export function rememberOnline(online: boolean): void {
  sessionStorage.setItem(presenceKey, online ? 'online' : 'away');
}

/** The API base: the console is served at `{base}/console/`. */
export function apiBase(): string {
  return `${location.origin}${location.pathname.replace(/\/console(\/.*)?$/, '')}`;
}
