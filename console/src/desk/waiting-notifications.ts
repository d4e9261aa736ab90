import type { Conversation } from '../api.ts';

/**
 * The conversations waiting now that were not waiting at the last look (none on the first look, which
 * only records what waits), and what to remember for the next look.
 */
export function newlyWaiting(
  seen: ReadonlySet<string> | undefined,
  open: Conversation[],
): { fresh: Conversation[]; seen: Set<string> } {
  const waiting = open.filter((conversation) => conversation.status === 'waiting');
  return {
    fresh: seen ? waiting.filter((conversation) => !seen.has(conversation.conversationId)) : [],
    seen: new Set(waiting.map((conversation) => conversation.conversationId)),
  };
}

/** A desktop notification that a client waits, if the agent allowed them; a click opens the conversation. */
export function notifyWaiting(conversation: Conversation, onClick: () => void): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    const notification = new Notification(`${conversation.userName} is waiting`, {
      body: `New conversation in ${conversation.destinationId}`,
      tag: conversation.conversationId,
    });
    notification.onclick = () => {
      focus();
      onClick();
    };
  } catch {
    // Some browsers (Chrome on Android) show notifications only through a service worker: the title badge remains.
  }
}
