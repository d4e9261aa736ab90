import type { CloseChatInput } from '#api/operator.ts';
import { clientEntry } from '#domain/conversations/client-entries.ts';
import { writeToConversation } from '#domain/conversations/writes.ts';
import type { Channel } from '#domain/directory/model.ts';
import { MAX_PASSES } from '#domain/shared/contention.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { ContentionError } from '#domain/shared/errors.ts';
import { openConversationOf } from '#use-cases/operator/open-conversation-of.ts';

/** The client left: the close takes its number like every entry, so nothing can follow it. A close is never refused. */
export async function closeChat(deps: Deps, channel: Channel, input: CloseChatInput) {
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const current = await openConversationOf(deps, channel, input.userId);
    if (!current) return {};
    const closedAt = deps.now().toISOString();
    const outcome = await writeToConversation(
      deps,
      current.conversationId,
      { set: { status: 'closed', closedAt }, queue: { ...current, status: 'closed' } },
      [
        clientEntry(
          channel,
          { from: 'system', type: 'note', note: 'closed_by_client', text: input.text },
          'conversation.closed',
        ),
      ],
    );
    if (!outcome.ok) continue;
    await deps.store.conversations.releasePointer(channel.channelId, input.userId, current.conversationId);
    return { conversationId: current.conversationId };
  }
  throw new ContentionError();
}
