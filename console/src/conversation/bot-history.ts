import type { Message } from '../api.ts';

/**
 * A transcript cut where the bot conversation sits: the entries before it (the opening notes), its
 * turns (`history: true`, written together), the client message that carried them (the entry right
 * after the turns), and the live messages after that. No turns: everything is `before`.
 */
export interface TranscriptParts {
  before: Message[];
  history: Message[];
  carrier?: Message;
  after: Message[];
}

export function splitBotHistory(messages: Message[]): TranscriptParts {
  const first = messages.findIndex((message) => message.history);
  if (first < 0) return { before: messages, history: [], after: [] };
  let end = first;
  while (messages[end]?.history) end++;
  const next = messages[end];
  const carried = next?.from === 'client' && next.type === 'text';
  return {
    before: messages.slice(0, first),
    history: messages.slice(first, end),
    carrier: carried ? next : undefined,
    after: messages.slice(carried ? end + 1 : end),
  };
}

/** How many turns the bot conversation had: one per entry, and each turn an entry of earlier turns lists. */
export function turnCount(history: Message[]): number {
  return history.reduce(
    (count, entry) =>
      count +
      (entry.from === 'system'
        ? (entry.text?.match(/(?:^|\n\s*\n)(?:CLIENT|BOT)[ \t]*(?=\n)/g)?.length ?? 0)
        : 1),
    0,
  );
}
