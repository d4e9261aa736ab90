import { withoutTrailingSlashes } from '#domain/shared/base-url.ts';

/**
 * Where the URLs a command prints (Operator API URL, Agent API, console) get their base, never from a
 * guess: `--base-url`, then the running local stack, then the public URL setting, then what the
 * channel stored when it was created.
 */
export interface BaseUrlSources {
  /** `--base-url`. */
  flag?: string;
  /** The running `npm start` on this data directory, as its `local-stack.json` says (PUBLIC_URL included). */
  runningStack?: string;
  /** `PUBLIC_URL` in the environment. */
  publicUrl?: string;
  /** The base stored with the channel (for agents: the one base all channels share, if they do). */
  stored?: string;
}

export function chooseBaseUrl(sources: BaseUrlSources): string | undefined {
  const base = sources.flag || sources.runningStack || sources.publicUrl || sources.stored;
  return base === undefined ? undefined : withoutTrailingSlashes(base);
}

/** Said instead of a URL when no base is known. */
export const noBaseHint =
  'no API base known: give --base-url (the ApiUrl output of cdk deploy) or set PUBLIC_URL to print the URLs';
