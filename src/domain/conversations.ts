import { setTimeout } from 'node:timers/promises';
import type { Deps } from '#domain/deps.ts';
import { newId } from '#domain/ids.ts';
import type {
  Agent,
  Channel,
  Conversation,
  Delivery,
  DeliveryTarget,
  TranscriptEntry,
} from '#domain/model.ts';
import { agentsStore, destinationsStore } from '#store/config-records.ts';
import {
  claimOpenPointer,
  createConversation,
  findOpenConversationId,
  getConversation,
  releaseOpenPointer,
  touchConversation,
} from '#store/conversations.ts';
import { appendEntry, type NewEntry } from '#store/transcript.ts';

export interface ResolvedDestination {
  destinationId: string;
  name: string;
  /** False when the requested id was unknown and the channel's default was used instead. */
  known: boolean;
}

export function agentName(agent: Pick<Agent, 'firstName' | 'lastName'>): string {
  return `${agent.firstName} ${agent.lastName}`.trim();
}

/** The agent group, or the single (unrevoked) agent, that a destination id names; undefined for neither. */
export async function findDestination(
  deps: Deps,
  destinationId: string,
): Promise<{ destinationId: string; name: string } | undefined> {
  const group = await destinationsStore.get(deps.db, destinationId);
  if (group) return { destinationId: group.destinationId, name: group.name };
  const agent = await agentsStore.get(deps.db, destinationId);
  if (agent && !agent.revoked) return { destinationId: agent.employeeId, name: agentName(agent) };
  return undefined;
}

/** A destination id names an agent group or a single agent; anything else lands in the channel's default. */
export async function resolveDestination(
  deps: Deps,
  channel: Channel,
  requestedId: string | undefined,
): Promise<ResolvedDestination> {
  const found = requestedId ? await findDestination(deps, requestedId) : undefined;
  if (found) return { ...found, known: true };
  const fallback = await destinationsStore.get(deps.db, channel.defaultDestinationId);
  return {
    destinationId: channel.defaultDestinationId,
    name: fallback?.name ?? channel.defaultDestinationId,
    known: requestedId === undefined,
  };
}

export function newDelivery(target: DeliveryTarget, payload: Record<string, unknown>, at: string): Delivery {
  return { target, status: 'pending', payload, attempts: 0, createdAt: at, nextAttemptAt: at };
}

/** What an agent (or agent platform) may see of a conversation: everything but the hidden attributes. */
export function agentView(conversation: Conversation & { version?: number }) {
  const { hiddenAttributes: _hidden, version: _version, ...visible } = conversation;
  return visible;
}

/** What an agent may see of a transcript entry: the outbox payload and routing stay internal. */
export function entryView(entry: TranscriptEntry) {
  const { delivery, channelId: _channel, idempotencyKey: _key, ...rest } = entry;
  if (!delivery) return rest;
  const { payload: _payload, ...state } = delivery;
  return { ...rest, delivery: state };
}

type EntryContent = Omit<NewEntry, 'createdAt' | 'conversationId' | 'channelId' | 'delivery'>;

/**
 * Appends to a conversation's transcript. `deliver` turns the stored entry into an outbox event for
 * one target, or returns undefined for a plain transcript entry.
 */
export async function appendToConversation(
  deps: Deps,
  conversation: Conversation,
  content: EntryContent,
  deliver?: (
    entry: TranscriptEntry,
  ) => { target: DeliveryTarget; payload: Record<string, unknown> } | undefined,
): Promise<TranscriptEntry> {
  const createdAt = deps.now().toISOString();
  const stored = await appendEntry(deps.db, conversation.conversationId, (id) => {
    const entry: TranscriptEntry = {
      ...content,
      id,
      seq: 0,
      conversationId: conversation.conversationId,
      channelId: conversation.channelId,
      createdAt,
    };
    const event = deliver?.(entry);
    return { ...entry, delivery: event && newDelivery(event.target, event.payload, createdAt) };
  });
  await touchConversation(deps.db, conversation.conversationId, createdAt);
  if (stored.delivery) deps.outboxWritten(stored.conversationId);
  return stored;
}

/**
 * A client-side entry (message, file, opened, closed by client). When the channel has an agent
 * platform, the entry is also its Standard Webhooks notification, hidden attributes left out.
 */
export function appendClientEntry(
  deps: Deps,
  channel: Channel,
  conversation: Conversation,
  content: EntryContent,
  notificationType: string,
): Promise<TranscriptEntry> {
  return appendToConversation(deps, conversation, content, (entry) => {
    if (!channel.agentPlatformUrl) return undefined;
    const data = { conversation: agentView(conversation), message: entryView(entry) };
    return { target: 'platform', payload: { type: notificationType, timestamp: entry.createdAt, data } };
  });
}

/**
 * The user's open conversation. The opener writes the pointer and then the conversation, so a pointer
 * without a conversation is either an opener still at work (wait for it) or one that stopped between
 * its two writes (let the pointer go, so that a new conversation can open).
 */
export async function findOpenConversation(deps: Deps, channel: Channel, userId: string) {
  const conversationId = await findOpenConversationId(deps.db, channel.channelId, userId);
  if (!conversationId) return undefined;
  for (let wait = 0; wait < 20; wait++) {
    const conversation = await getConversation(deps.db, conversationId);
    if (conversation) return conversation;
    await setTimeout(50);
  }
  await releaseOpenPointer(deps.db, channel.channelId, userId, conversationId);
  return undefined;
}

export interface OpenDetails {
  userName?: string;
  attributes?: Record<string, unknown>;
  hiddenAttributes?: Record<string, unknown>;
  customData?: Record<string, unknown>;
}

/** Opens a conversation for the user in `destination`, or returns the one another request opened first. */
export async function openConversation(
  deps: Deps,
  channel: Channel,
  userId: string,
  destination: ResolvedDestination,
  details: OpenDetails,
): Promise<Conversation> {
  const createdAt = deps.now().toISOString();
  const conversation: Conversation = {
    conversationId: newId('cv'),
    channelId: channel.channelId,
    userId,
    userName: details.userName?.trim() || `${channel.name} ${userId}`,
    destinationId: destination.destinationId,
    status: 'waiting',
    attributes: details.attributes ?? {},
    hiddenAttributes: details.hiddenAttributes ?? {},
    customData: details.customData ?? {},
    createdAt,
    lastMessageAt: createdAt,
  };
  for (;;) {
    const claim = await claimOpenPointer(deps.db, channel.channelId, userId, conversation.conversationId);
    if (claim.claimed) break;
    const existing = await findOpenConversation(deps, channel, userId);
    if (existing) return existing;
  }
  await createConversation(deps.db, conversation);
  await appendClientEntry(
    deps,
    channel,
    conversation,
    { from: 'system', type: 'note', note: 'opened', text: `Conversation opened in ${destination.name}` },
    'conversation.opened',
  );
  if (!destination.known) await noteUnknownDestination(deps, conversation, destination);
  return conversation;
}

export function noteUnknownDestination(
  deps: Deps,
  conversation: Conversation,
  destination: ResolvedDestination,
) {
  return appendToConversation(deps, conversation, {
    from: 'system',
    type: 'note',
    note: 'unknown_destination',
    text: `Requested destination is unknown; routed to ${destination.name}`,
  });
}

/** The user's open conversation, or a new one in the channel's default destination: a message is never dropped. */
export async function openOrExisting(deps: Deps, channel: Channel, userId: string): Promise<Conversation> {
  const existing = await findOpenConversation(deps, channel, userId);
  if (existing) return existing;
  const destination = await resolveDestination(deps, channel, undefined);
  return openConversation(deps, channel, userId, destination, {});
}
