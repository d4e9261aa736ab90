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

/** The last message the client or an agent wrote; system notes are not previews. */
export function lastWritten(messages: Message[]): Message | undefined {
  return [...messages].reverse().find((message) => message.from !== 'system');
}

/** The open conversations whose preview is missing or older than their last message. */
export function stalePreviews(open: Conversation[], previews: DeskState['previews']): Conversation[] {
  return open
    .filter((conversation) => previews[conversation.conversationId]?.at !== conversation.lastMessageAt)
    .slice(0, maxReadsPerRefresh);
}
