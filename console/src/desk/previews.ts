import type { Conversation, Message } from '../api.ts';
import type { DeskState } from './state.ts';

/** At most this many transcripts are read per refresh for the queue's previews. */
const maxReadsPerRefresh = 50;

/** The queue's line for a message: its text, or the file's name. */
export function previewText(message: Message | undefined): string {
  if (!message) return '';
  if (message.type === 'file') return `File: ${message.name ?? message.url ?? ''}`;
  return message.text ?? '';
}

/**
 * The last message the client or an agent wrote; system notes are not previews. A message that carried
 * the bot conversation (it follows its turns) previews as the client's last turn in it, not as
 * DialogStudio's `CLIENT`/`BOT` text.
 */
export function lastWritten(messages: Message[]): Message | undefined {
  const at = messages.findLastIndex((message) => message.from !== 'system' && !message.history);
  if (at < 1 || !messages[at - 1]?.history) return messages[at];
  let first = at - 1;
  while (messages[first - 1]?.history) first--;
  const turns = messages.slice(first, at);
  return turns.findLast((turn) => turn.from === 'client') ?? turns.at(-1);
}

/** The open conversations whose preview is missing or older than their last message. */
export function stalePreviews(open: Conversation[], previews: DeskState['previews']): Conversation[] {
  return open
    .filter((conversation) => previews[conversation.conversationId]?.at !== conversation.lastMessageAt)
    .slice(0, maxReadsPerRefresh);
}
