import {
  type ClosedPeriod,
  closedPeriodAt,
  fillReply,
  type WaitingState,
  waitingReplyDue,
} from '#domain/conversations/automatic-replies.ts';
import type { Conversation } from '#domain/conversations/model.ts';
import type { ConversationWrite } from '#domain/conversations/ports.ts';
import { ConversationGoneError, type NewEntry, writeMessage } from '#domain/conversations/writes.ts';
import { openingAt } from '#domain/directory/hours.ts';
import type { Channel, Destination } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { ContentionError } from '#domain/shared/errors.ts';

/**
 * Sends automatic replies (PRODUCT.md section 5): each is a transcript entry `from: system` carrying a
 * `TextMessage` from the channel's system sender, written through the conversation's numbered write like
 * an agent's message, so it is ordered, retried and never numbered after the close. That one write is
 * also the once-only check: it requires the conversation to still wait in the destination and records the
 * reply's key, refused when the key is there already, so two writers deciding at once send one reply.
 */

type Target = Pick<Conversation, 'conversationId' | 'channelId' | 'destinationId' | 'userName'>;

function systemReply(deps: Deps, channel: Channel, text: string): NewEntry {
  return {
    content: { from: 'system', type: 'text', text },
    event: deps.platform.text(deps.platform.systemSender(channel), text),
  };
}

function offlineText(
  destination: Destination,
  template: string,
  conversation: Target,
  period: ClosedPeriod,
  now: Date,
): string {
  return fillReply(template, {
    userName: conversation.userName,
    destinationName: destination.name,
    opensAt: period.opensAt,
    timeZone: destination.hours?.timeZone,
    now,
  });
}

async function writeReply(
  deps: Deps,
  conversation: Target,
  channel: Channel,
  text: string,
  replyOnce: NonNullable<ConversationWrite['replyOnce']>,
): Promise<boolean> {
  try {
    const outcome = await writeMessage(
      deps,
      conversation.conversationId,
      { guard: { statusIs: 'waiting', destinationIn: [conversation.destinationId] }, replyOnce },
      [systemReply(deps, channel, text)],
    );
    return outcome.ok;
  } catch (error) {
    // Closed, accepted or answered by another writer meanwhile: then no reply is what is right.
    if (error instanceof ConversationGoneError || error instanceof ContentionError) return false;
    throw error;
  }
}

type OfflineTarget = Target & { status: Conversation['status']; offlineReplyKey?: string };

/**
 * The offline reply, if due: the conversation waits in a destination that has one, and that destination
 * is closed or nobody of it is online, in a closed period whose reply the conversation did not get yet.
 * Called where a conversation starts waiting (opened, moved, transferred, returned to the queue), with
 * the destination's record when the caller has read it already; reads nothing more than the destination
 * for one without the reply.
 */
async function offlineReplyIfDue(
  deps: Deps,
  conversation: OfflineTarget,
  channel?: Channel,
  known?: Partial<Destination> & Pick<Destination, 'destinationId' | 'name'>,
): Promise<boolean> {
  if (conversation.status !== 'waiting') return false;
  const destination: Destination | undefined =
    known?.destinationId === conversation.destinationId
      ? { createdAt: '', ...known }
      : await deps.store.directory.destinations.get(conversation.destinationId);
  if (!destination?.offlineReply) return false;
  const now = deps.now();
  const opening = openingAt(destination.hours, now);
  const agents = await deps.store.directory.agents.list();
  const period = closedPeriodAt(opening, destination, agents, now, deps.config.PRESENCE_TIMEOUT_SECONDS);
  if (!period || conversation.offlineReplyKey === period.key) return false;
  const sender = channel ?? (await deps.store.directory.channels.get(conversation.channelId));
  if (!sender) return false;
  const text = offlineText(destination, destination.offlineReply, conversation, period, now);
  return writeReply(deps, conversation, sender, text, { field: 'offlineReplyKey', key: period.key });
}

/**
 * The offline reply once more when the client writes: to a waiting conversation that got one in this
 * wait's destination (it started waiting while nobody could answer), if a new closed period began since.
 * A conversation without one costs no read, so a client's message costs what it did before.
 */
async function offlineReplyAgainIfDue(
  deps: Deps,
  conversation: OfflineTarget,
  channel: Channel,
): Promise<boolean> {
  const key = conversation.offlineReplyKey;
  if (!key?.startsWith(`${conversation.destinationId}:`)) return false;
  return offlineReplyIfDue(deps, conversation, channel);
}

/** Runs a reply that follows a stored change; its failure is reported, never thrown (see `replyIfOffline`). */
async function secondary(deps: Deps, reply: Promise<boolean>): Promise<boolean> {
  try {
    return await reply;
  } catch (error) {
    deps.reportError('automatic reply not written', error);
    return false;
  }
}

/**
 * The offline reply where a conversation starts waiting (see `offlineReplyIfDue`). It follows a change
 * already stored (the client's message, a move, a return to the queue), so it never fails the request:
 * a reply not written now is written by the sweep (`sendDueAutomaticReplies`), and the failure reported.
 */
export function replyIfOffline(
  deps: Deps,
  conversation: OfflineTarget,
  channel?: Channel,
  known?: Partial<Destination> & Pick<Destination, 'destinationId' | 'name'>,
): Promise<boolean> {
  return secondary(deps, offlineReplyIfDue(deps, conversation, channel, known));
}

/** The offline reply once more when the client writes (see `offlineReplyAgainIfDue`); never fails the request. */
export function replyIfStillOffline(
  deps: Deps,
  conversation: OfflineTarget,
  channel: Channel,
): Promise<boolean> {
  return secondary(deps, offlineReplyAgainIfDue(deps, conversation, channel));
}

/** How many conversations of a queue one read of the sweep takes. */
const PAGE = 200;

/**
 * The automatic replies that are due, for the delivery sweep: the waiting replies, and the offline reply
 * to a waiting conversation that was not told in this wait although its destination cannot answer now
 * (it started waiting while it could, or a crash came between its opening and its reply). It reads the
 * destinations (few records), the agents when a destination has an offline reply, and for each destination
 * with a reply its waiting queue from the queue index, without pre-chat data; nothing else. So its cost
 * follows the conversations waiting in destinations with a reply, not the data kept. The index lags the
 * table a little: a conversation accepted a moment ago may still be listed, and the reply's guard (still
 * waiting, still there) refuses it.
 */
export async function sendDueAutomaticReplies(deps: Deps): Promise<number> {
  const withReply = (await deps.store.directory.destinations.list()).filter(
    (destination) =>
      destination.offlineReply || (destination.waitingReply && destination.waitingAfterMinutes !== undefined),
  );
  if (withReply.length === 0) return 0;
  const channels = new Map((await deps.store.directory.channels.list()).map((c) => [c.channelId, c]));
  const agents = withReply.some((d) => d.offlineReply) ? await deps.store.directory.agents.list() : [];
  const now = deps.now();
  let sent = 0;
  for (const destination of withReply) {
    const opening = openingAt(destination.hours, now);
    const period = destination.offlineReply
      ? closedPeriodAt(opening, destination, agents, now, deps.config.PRESENCE_TIMEOUT_SECONDS)
      : undefined;
    let after: string | undefined;
    do {
      const page = await deps.store.conversations.queue(destination.destinationId, 'waiting', {
        after,
        limit: PAGE,
        prechat: false,
      });
      for (const conversation of page.conversations) {
        const channel = channels.get(conversation.channelId);
        if (!channel) continue;
        const told = conversation.offlineReplyKey?.startsWith(`${destination.destinationId}:`);
        if (period && destination.offlineReply && !told) {
          const text = offlineText(destination, destination.offlineReply, conversation, period, now);
          const replyOnce = { field: 'offlineReplyKey' as const, key: period.key };
          if (await writeReply(deps, conversation, channel, text, replyOnce)) sent++;
        }
        if (await sendWaitingReply(deps, destination, conversation, channel)) sent++;
      }
      after = page.next;
    } while (after);
  }
  return sent;
}

async function sendWaitingReply(
  deps: Deps,
  destination: Destination,
  conversation: Target & WaitingState,
  channel: Channel,
): Promise<boolean> {
  const now = deps.now();
  if (!waitingReplyDue(destination, conversation, now) || !conversation.waitingSince) return false;
  const opening = openingAt(destination.hours, now);
  const text = fillReply(destination.waitingReply ?? '', {
    userName: conversation.userName,
    destinationName: destination.name,
    ...(!opening.open && { opensAt: opening.opensAt }),
    timeZone: destination.hours?.timeZone,
    now,
  });
  return writeReply(deps, conversation, channel, text, {
    field: 'waitingReplyKey',
    key: conversation.waitingSince,
  });
}
