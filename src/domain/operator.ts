import {
  appendClientEntry,
  appendToConversation,
  findOpenConversation,
  noteUnknownDestination,
  openConversation,
  openOrExisting,
  resolveDestination,
} from '#domain/conversations.ts';
import type { Deps } from '#domain/deps.ts';
import { UnauthorizedError } from '#domain/errors.ts';
import { parseCredential, secretMatches } from '#domain/ids.ts';
import type { Channel } from '#domain/model.ts';
import type {
  CloseChatInput,
  SelectDestinationInput,
  SendFileInput,
  SendTextInput,
  SetWebhookInput,
} from '#domain/operator-schemas.ts';
import { releaseWaitingEvents } from '#domain/outbox.ts';
import { destinationHasOnline } from '#domain/presence.ts';
import { assertWebhookAllowed } from '#domain/webhook-url.ts';
import { agentsStore, channelsStore, destinationsStore } from '#store/config-records.ts';
import { mutateConversation, releaseOpenPointer } from '#store/conversations.ts';

/** The Operator API use cases: what DialogStudio asks of us, one function per endpoint. */

/** The channel whose token is in the API URL; 401 for anything else, with no side effect. */
export async function authenticateChannel(deps: Deps, token: string | undefined): Promise<Channel> {
  const credential = parseCredential(token);
  const channel = credential && (await channelsStore.get(deps.db, credential.ownerId));
  if (!credential || !channel || !secretMatches(credential.secret, channel.secretHash)) {
    throw new UnauthorizedError('Unknown channel token');
  }
  return channel;
}

export async function setWebhook(deps: Deps, channel: Channel, input: SetWebhookInput) {
  const url = await assertWebhookAllowed(input.url, {
    allowPrivate: deps.config.ALLOW_PRIVATE_WEBHOOKS,
    allowedHosts: deps.config.WEBHOOK_ALLOWED_HOSTS,
  });
  await channelsStore.update(deps.db, channel.channelId, { webhookUrl: url.href });
  await releaseWaitingEvents(deps, channel.channelId, 'dialogstudio');
  return {};
}

export async function sendText(deps: Deps, channel: Channel, input: SendTextInput) {
  const conversation = await openOrExisting(deps, channel, input.userId);
  const entry = await appendClientEntry(
    deps,
    channel,
    conversation,
    { from: 'client', type: 'text', text: input.text },
    'message.created',
  );
  return { conversationId: conversation.conversationId, messageId: entry.id };
}

export async function sendFile(deps: Deps, channel: Channel, input: SendFileInput) {
  const conversation = await openOrExisting(deps, channel, input.userId);
  const entry = await appendClientEntry(
    deps,
    channel,
    conversation,
    { from: 'client', type: 'file', url: input.url, name: input.fileName, size: input.size },
    'message.created',
  );
  return { conversationId: conversation.conversationId, messageId: entry.id };
}

export async function closeChat(deps: Deps, channel: Channel, input: CloseChatInput) {
  const conversation = await findOpenConversation(deps, channel, input.userId);
  if (!conversation) return {};
  const closedAt = deps.now().toISOString();
  const closed = await mutateConversation(deps.db, conversation.conversationId, (current) =>
    current.status === 'closed' ? {} : { status: 'closed', closedAt },
  );
  await releaseOpenPointer(deps.db, channel.channelId, input.userId, conversation.conversationId);
  await appendClientEntry(
    deps,
    channel,
    closed,
    { from: 'system', type: 'note', note: 'closed_by_client', text: input.text },
    'conversation.closed',
  );
  return { conversationId: conversation.conversationId };
}

export async function selectDestination(deps: Deps, channel: Channel, input: SelectDestinationInput) {
  const destination = await resolveDestination(deps, channel, input.destinationId);
  const details = {
    userName: input.userName,
    attributes: input.attributes,
    hiddenAttributes: input.hiddenAttributes,
    customData: input.customData,
  };
  const existing = await findOpenConversation(deps, channel, input.userId);
  if (!existing) {
    const opened = await openConversation(deps, channel, input.userId, destination, details);
    return { conversationId: opened.conversationId, destinationId: opened.destinationId };
  }
  const moved = await mutateConversation(deps.db, existing.conversationId, (current) => ({
    ...(details.userName?.trim() && { userName: details.userName.trim() }),
    ...(details.attributes && { attributes: details.attributes }),
    ...(details.hiddenAttributes && { hiddenAttributes: details.hiddenAttributes }),
    ...(details.customData && { customData: details.customData }),
    ...(current.destinationId !== destination.destinationId && {
      destinationId: destination.destinationId,
      status: 'waiting' as const,
      assignee: undefined,
    }),
  }));
  if (existing.destinationId !== destination.destinationId) {
    await appendToConversation(deps, moved, {
      from: 'system',
      type: 'note',
      note: 'moved',
      text: `Moved to ${destination.name}`,
    });
  }
  if (!destination.known) await noteUnknownDestination(deps, moved, destination);
  return { conversationId: moved.conversationId, destinationId: moved.destinationId };
}

export async function getDestinations(deps: Deps) {
  const [destinations, agents] = await Promise.all([
    destinationsStore.list(deps.db),
    agentsStore.list(deps.db),
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
