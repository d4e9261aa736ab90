import type { SendFileInput } from '#api/operator.ts';
import { clientEntry } from '#domain/conversations/client-entries.ts';
import { appendForUser } from '#domain/conversations/opening.ts';
import { replyIfOffline, replyIfStillOffline } from '#domain/conversations/send-automatic-replies.ts';
import type { Channel } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';

export async function sendFile(deps: Deps, channel: Channel, input: SendFileInput) {
  const content = {
    from: 'client' as const,
    type: 'file' as const,
    url: input.url,
    name: input.fileName,
    size: input.size,
  };
  const written = await appendForUser(
    deps,
    channel,
    input.userId,
    clientEntry(channel, content, 'message.created'),
  );
  // A conversation this opened starts waiting; in one that waits already, the client is told again only in a new closed period.
  if (written.openedIn) await replyIfOffline(deps, written.conversation, channel, written.openedIn);
  else await replyIfStillOffline(deps, written.conversation, channel);
  return { conversationId: written.conversation.conversationId, messageId: written.entry.id };
}
