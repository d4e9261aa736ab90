import type { SelectDestinationInput } from '#api/operator.ts';
import type { Conversation } from '#domain/conversations/model.ts';
import { openConversation, unknownDestinationNote } from '#domain/conversations/opening.ts';
import { readPrechat } from '#domain/conversations/prechat.ts';
import { replyIfOffline } from '#domain/conversations/send-automatic-replies.ts';
import { type NewEntry, writeToConversation } from '#domain/conversations/writes.ts';
import { resolveDestination } from '#domain/directory/destinations.ts';
import type { Channel } from '#domain/directory/model.ts';
import { MAX_PASSES } from '#domain/shared/contention.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { ContentionError } from '#domain/shared/errors.ts';
import { openConversationOf } from '#use-cases/operator/open-conversation-of.ts';

/**
 * Pre-chat data combines by replacement: a selectDestination that carries any pre-chat field
 * replaces all three with what it sent, one without keeps what is stored. So a conversation never
 * holds more pre-chat data than one request may carry.
 */
export function prechatOf(input: SelectDestinationInput) {
  const { attributes, hiddenAttributes, customData } = readPrechat(input);
  if (attributes === undefined && hiddenAttributes === undefined && customData === undefined) return {};
  return {
    attributes: attributes ?? {},
    hiddenAttributes: hiddenAttributes ?? {},
    customData: customData ?? {},
  };
}

export async function selectDestination(deps: Deps, channel: Channel, input: SelectDestinationInput) {
  const destination = await resolveDestination(deps, channel, input.destinationId);
  const prechat = prechatOf(input);
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const current = await openConversationOf(deps, channel, input.userId);
    if (!current) {
      const opened = await openConversation(
        deps,
        channel,
        input.userId,
        destination,
        { userName: input.userName, ...prechat },
        [],
      );
      if (opened) {
        await replyIfOffline(deps, opened.conversation, channel, destination);
        return {
          conversationId: opened.conversation.conversationId,
          destinationId: destination.destinationId,
        };
      }
      continue;
    }
    const moved = current.destinationId !== destination.destinationId;
    const userName = input.userName?.trim();
    const set: Partial<Conversation> = {
      ...(userName && { userName }),
      ...prechat,
      ...(moved && {
        destinationId: destination.destinationId,
        status: 'waiting' as const,
        assignee: undefined,
      }),
    };
    const entries: NewEntry[] = [
      ...(moved
        ? [
            {
              content: {
                from: 'system' as const,
                type: 'note' as const,
                note: 'moved' as const,
                text: `Moved to ${destination.name}`,
              },
            },
          ]
        : []),
      ...(destination.known ? [] : [unknownDestinationNote(destination)]),
    ];
    if (entries.length === 0 && Object.keys(set).length === 0) {
      return { conversationId: current.conversationId, destinationId: current.destinationId };
    }
    const outcome = await writeToConversation(
      deps,
      current.conversationId,
      {
        set,
        ...(moved && { queue: { ...current, destinationId: destination.destinationId, status: 'waiting' } }),
      },
      entries,
    );
    if (outcome.ok) {
      if (moved) await replyIfOffline(deps, outcome.conversation, channel, destination);
      return { conversationId: current.conversationId, destinationId: outcome.conversation.destinationId };
    }
  }
  throw new ContentionError();
}
