import { withoutTrailingSlashes } from '#domain/shared/base-url.ts';

/** The Agent API base that agent applications call with their bearer token. */
export function agentApiUrl(baseUrl: string): string {
  return `${withoutTrailingSlashes(baseUrl)}/agent`;
}

/** The agent console, signed in by the token in the fragment (a fragment never reaches a server or its logs). */
export function consoleUrl(baseUrl: string, agentToken: string): string {
  return `${withoutTrailingSlashes(baseUrl)}/console/#token=${agentToken}`;
}

/** The Operator API URL that the user pastes into DialogStudio. */
export function operatorApiUrl(baseUrl: string, token: string): string {
  return `${withoutTrailingSlashes(baseUrl)}/operator/${token}`;
}
