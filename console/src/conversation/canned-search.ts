import type { CannedReply } from '../api.ts';

/** At most this many replies are listed under the composer: the agent types on to narrow them. */
const shown = 8;

/**
 * The query while the composer's text is `/` and what follows it on one line; undefined otherwise,
 * which closes the list.
 */
export function cannedQuery(text: string): string | undefined {
  if (!text.startsWith('/') || text.includes('\n')) return undefined;
  return text.slice(1).trim().toLowerCase();
}

/**
 * The replies whose shortcut starts with the query, then those whose shortcut or title contains it,
 * each in the API's order (by shortcut).
 */
export function searchCannedReplies(replies: readonly CannedReply[], query: string): CannedReply[] {
  const starts = replies.filter((reply) => reply.shortcut.startsWith(query));
  const contains = replies.filter(
    (reply) =>
      !reply.shortcut.startsWith(query) &&
      (reply.shortcut.includes(query) || reply.title.toLowerCase().includes(query)),
  );
  return [...starts, ...contains].slice(0, shown);
}
