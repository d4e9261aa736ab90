import type { SendTextInput } from '#api/operator.ts';
import { clientEntry } from '#domain/conversations/client-entries.ts';
import { historyEntries, parseBotHistory } from '#domain/conversations/history.ts';
import { appendForUser } from '#domain/conversations/opening.ts';
import { replyIfOffline, replyIfStillOffline } from '#domain/conversations/send-automatic-replies.ts';
import type { Channel } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';

/**
 * The client's message, kept as sent. When it is in DialogStudio's history format and is the client's
 * first message of the conversation, the bot conversation's turns are listed before it (no event to
 * anyone: the message itself notifies the agent platform as any message does).
 */
export async function sendText(deps: Deps, channel: Channel, input: SendTextInput) {
  const turns = parseBotHistory(input.text);
  const written = await appendForUser(
    deps,
    channel,
    input.userId,
    clientEntry(channel, { from: 'client', type: 'text', text: input.text }, 'message.created'),
    turns ? historyEntries(turns).map((content) => ({ content })) : [],
  );
  // A conversation this opened starts waiting; in one that waits already, the client is told again only in a new closed period.
  if (written.openedIn) await replyIfOffline(deps, written.conversation, channel, written.openedIn);
  else await replyIfStillOffline(deps, written.conversation, channel);
  return { conversationId: written.conversation.conversationId, messageId: written.entry.id };
}
