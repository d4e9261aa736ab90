import type {
  CloseChatInput,
  SelectDestinationInput,
  SendFileInput,
  SendTextInput,
  SetWebhookInput,
} from '#api/operator.ts';
import {
  appendForUser,
  clientEntry,
  healPointer,
  type NewEntry,
  openConversation,
  resolveDestination,
  unknownDestinationNote,
  writeToConversation,
} from '#domain/conversations.ts';
import type { Deps } from '#domain/deps.ts';
import { UnauthorizedError } from '#domain/errors.ts';
import { parseCredential, secretMatches } from '#domain/ids.ts';
import type { Channel, Conversation } from '#domain/model.ts';
import { releaseWaitingEvents } from '#domain/outbox.ts';
import { readPrechat } from '#domain/prechat.ts';
import { destinationHasOnline } from '#domain/presence.ts';
import { assertWebhookAllowed, webhookPolicy } from '#domain/webhook-url.ts';

/** The Operator API use cases: what DialogStudio asks of us, one function per endpoint. */

/** The channel whose token is in the API URL; 401 for anything else, with no side effect. */
export async function authenticateChannel(deps: Deps, token: string | undefined): Promise<Channel> {
  const credential = parseCredential(token);
  const channel = credential && (await deps.store.directory.channels.get(credential.ownerId));
  if (!credential || !channel || !secretMatches(credential.secret, channel.secretHash)) {
    throw new UnauthorizedError('Unknown channel token');
  }
  return channel;
}

export async function setWebhook(deps: Deps, channel: Channel, input: SetWebhookInput) {
  const url = await assertWebhookAllowed(input.url, webhookPolicy(deps.config));
  await deps.store.directory.channels.update(channel.channelId, { webhookUrl: url.href });
  await releaseWaitingEvents(deps, channel.channelId, 'dialogstudio');
  return {};
}

export async function sendText(deps: Deps, channel: Channel, input: SendTextInput) {
  const written = await appendForUser(
    deps,
    channel,
    input.userId,
    clientEntry(channel, { from: 'client', type: 'text', text: input.text }, 'message.created'),
  );
  return { conversationId: written.conversation.conversationId, messageId: written.entry.id };
}

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
  return { conversationId: written.conversation.conversationId, messageId: written.entry.id };
}

/** How many times a use case re-reads and retries after a concurrent change refused its write. */
const MAX_PASSES = 5;

/** The user's open conversation behind its pointer, with stale pointers healed on the way; undefined for none. */
async function openConversationOf(deps: Deps, channel: Channel, userId: string) {
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const pointer = await deps.store.conversations.pointer(channel.channelId, userId);
    if (!pointer) return undefined;
    const current = await deps.store.conversations.get(pointer.conversationId);
    if (current && current.status !== 'closed') return current;
    await healPointer(deps, pointer, current);
  }
  return undefined;
}

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
  return {};
}

/**
 * Pre-chat data combines by replacement: a selectDestination that carries any pre-chat field
 * replaces all three with what it sent, one without keeps what is stored. So a conversation never
 * holds more pre-chat data than one request may carry.
 */
function prechatOf(input: SelectDestinationInput) {
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
      if (opened)
        return {
          conversationId: opened.conversation.conversationId,
          destinationId: destination.destinationId,
        };
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
      return { conversationId: current.conversationId, destinationId: outcome.conversation.destinationId };
    }
  }
  throw new Error('selectDestination could not settle on the open conversation');
}

export async function getDestinations(deps: Deps) {
  const [destinations, agents] = await Promise.all([
    deps.store.directory.destinations.list(),
    deps.store.directory.agents.list(),
  ]);
  const now = deps.now();
  return {
    destinations: destinations.map((destination) => ({
      destinationId: destination.destinationId,
      name: destination.name,
      hasOnline: destinationHasOnline(
        destination.destinationId,
        agents,
        now,
        deps.config.PRESENCE_TIMEOUT_SECONDS,
      ),
    })),
  };
}
