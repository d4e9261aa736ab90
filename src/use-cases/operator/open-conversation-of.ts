import { healPointer } from '#domain/conversations/opening.ts';
import type { Channel } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';

/** How many times a use case re-reads and retries after a concurrent change refused its write. */
export const MAX_PASSES = 5;

/** The user's open conversation behind its pointer, with stale pointers healed on the way; undefined for none. */
export async function openConversationOf(deps: Deps, channel: Channel, userId: string) {
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const pointer = await deps.store.conversations.pointer(channel.channelId, userId);
    if (!pointer) return undefined;
    const current = await deps.store.conversations.get(pointer.conversationId);
    if (current && current.status !== 'closed') return current;
    await healPointer(deps, pointer, current);
  }
  return undefined;
}
