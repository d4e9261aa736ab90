import { healPointer } from '#domain/conversations/opening.ts';
import type { Channel } from '#domain/directory/model.ts';
import { MAX_PASSES } from '#domain/shared/contention.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { ContentionError } from '#domain/shared/errors.ts';

/**
 * The user's open conversation behind its pointer, with stale pointers healed on the way; undefined for
 * none. What the Operator API's use cases that act on "the user's conversation" share.
 */
export async function openConversationOf(deps: Deps, channel: Channel, userId: string) {
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const pointer = await deps.store.conversations.pointer(channel.channelId, userId);
    if (!pointer) return undefined;
    const current = await deps.store.conversations.get(pointer.conversationId);
    if (current && current.status !== 'closed') return current;
    await healPointer(deps, pointer, current);
  }
  throw new ContentionError();
}
