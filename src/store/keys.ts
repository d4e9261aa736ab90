import { OUTBOX_SHARDS } from '#domain/outbox/config.ts';

/**
 * Every key shape of the single table, built in one place.
 *
 * Main index (pk, sk):
 *   CHANNELS / CHANNEL#{channelId}              channel: name, token hash, webhook, default destination
 *   SECRET#CHANNEL#{channelId} / PLATFORM       the channel's agent-platform signing secret, apart from the
 *                                               channel so that only the functions that sign may read it
 *   DESTINATIONS / DEST#{destinationId}         agent group
 *   AGENTS / AGENT#{employeeId}                 agent profile, token hash, credential version, presence
 *   CANNED / REPLY#{destinationId}#{shortcut}   canned reply; the key keeps a shortcut unique in its destination
 *   IDS / ID#{id}                               an id of the namespace agents and destinations share, reserved for good
 *   OPEN#{channelId}#{userId} / OPEN            pointer to the user's open conversation, with the record it opened
 *   CONV#{conversationId} / META                conversation, and the one point of serialisation of its writes:
 *                                               the sequence counter (`lastSeq`), the last write's id, the
 *                                               last state change's entries (`intent`), the delivery lease,
 *                                               the per-target delivery cursors and the redriven set; small:
 *                                               the pre-chat data is not on it
 *   CONV#{conversationId} / PRECHAT             its pre-chat data (attributes, hidden attributes, custom data)
 *   CONV#{conversationId} / MSG#{seq}           transcript entry; agent and client events carry delivery state (the outbox)
 *   CONV#{conversationId} / IDEMPOTENCY#{employeeId}#{key}   first answer to an agent's Idempotency-Key
 *   CONV#{conversationId} / WAKE#{id}           a nudge for the stream: redrive and setWebhook insert one
 *   OUTBOX#COUNTERS / FAILED                    how many events are failed (the sweep's metric)
 * byState index (gsi1pk, gsi1sk), sparse: where the sweep finds work; projects only the ids it needs
 *   OUTBOX#DUE#{shard} / {dueAt}#{conversationId}       on META: the conversation has an event due at dueAt
 *   OUTBOX#WAITING#{channelId}#{target} / {otherDue}#{conversationId}   on META: its next event waits for that
 *                                               target's URL; otherDue: when the other target is due ('' if it
 *                                               waits too, '~' if it has nothing), so neither hides the other
 *   OUTBOX#FAILED#{shard} / {failedAt}#{conversationId}#{seq}   on an entry that ran out of tries
 *   LIVE#TICKET#{sha256 of the ticket} / TICKET     live updates: a single-use ticket, short-lived
 *   LIVE#CONN#{connectionId} / CONNECTION           live updates: one open WebSocket, its agent and queues
 *   LIVE#QUEUE#{queue} / CONN#{connectionId}        live updates: who hears about a queue
 *   LIVE#AGENT#{employeeId} / CONN#{connectionId}   live updates: an agent's connections, closed on revoke
 * byQueue index (gsi2pk, gsi2sk): conversations of a destination; projects the fields a list shows
 *   QUEUE#{destinationId} / {status}#{createdAt}#{conversationId}
 */
export const indexNames = { byState: 'byState', byQueue: 'byQueue' } as const;

const SEQ_WIDTH = 10;

/** A stable shard for a conversation (FNV-1a over its id). */
function shardOf(conversationId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < conversationId.length; i++) {
    hash ^= conversationId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % OUTBOX_SHARDS;
}

/** Sort keys that the stream filters of the CDK stack look for. */
export const sortKeys = { conversation: 'META', wakeUpPrefix: 'WAKE#' } as const;

export const keys = {
  channel: (channelId: string) => ({ pk: 'CHANNELS', sk: `CHANNEL#${channelId}` }),
  channels: () => ({ pk: 'CHANNELS', skPrefix: 'CHANNEL#' }),
  channelSecret: (channelId: string) => ({ pk: `SECRET#CHANNEL#${channelId}`, sk: 'PLATFORM' }),
  destination: (destinationId: string) => ({ pk: 'DESTINATIONS', sk: `DEST#${destinationId}` }),
  destinations: () => ({ pk: 'DESTINATIONS', skPrefix: 'DEST#' }),
  agent: (employeeId: string) => ({ pk: 'AGENTS', sk: `AGENT#${employeeId}` }),
  agents: () => ({ pk: 'AGENTS', skPrefix: 'AGENT#' }),
  cannedReply: (destinationId: string, shortcut: string) => ({
    pk: 'CANNED',
    sk: `REPLY#${destinationId}#${shortcut}`,
  }),
  /** Destination ids hold no `#`, so one's prefix never reaches into another's replies. */
  cannedReplies: (destinationId?: string) => ({
    pk: 'CANNED',
    skPrefix: destinationId === undefined ? 'REPLY#' : `REPLY#${destinationId}#`,
  }),
  reservedId: (id: string) => ({ pk: 'IDS', sk: `ID#${id}` }),
  openConversation: (channelId: string, userId: string) => ({
    pk: `OPEN#${channelId}#${userId}`,
    sk: 'OPEN',
  }),
  conversation: (conversationId: string) => ({ pk: `CONV#${conversationId}`, sk: sortKeys.conversation }),
  prechat: (conversationId: string) => ({ pk: `CONV#${conversationId}`, sk: 'PRECHAT' }),
  message: (conversationId: string, seq: number) => ({
    pk: `CONV#${conversationId}`,
    sk: `MSG#${String(seq).padStart(SEQ_WIDTH, '0')}`,
  }),
  messages: (conversationId: string) => ({ pk: `CONV#${conversationId}`, skPrefix: 'MSG#' }),
  idempotency: (conversationId: string, employeeId: string, key: string) => ({
    pk: `CONV#${conversationId}`,
    sk: `IDEMPOTENCY#${employeeId}#${key}`,
  }),
  wake: (conversationId: string, id: string) => ({
    pk: `CONV#${conversationId}`,
    sk: `${sortKeys.wakeUpPrefix}${id}`,
  }),
  dueState: (conversationId: string, dueAt: string) => ({
    gsi1pk: `OUTBOX#DUE#${shardOf(conversationId)}`,
    gsi1sk: `${dueAt}#${conversationId}`,
  }),
  duePartition: (shard: number) => `OUTBOX#DUE#${shard}`,
  waitingState: (channelId: string, target: string, conversationId: string, otherDue = '~') => ({
    gsi1pk: `OUTBOX#WAITING#${channelId}#${target}`,
    gsi1sk: `${otherDue}#${conversationId}`,
  }),
  waitingPartition: (channelId: string, target: string) => `OUTBOX#WAITING#${channelId}#${target}`,
  failedState: (failedAt: string, conversationId: string, seq: number) => ({
    gsi1pk: `OUTBOX#FAILED#${shardOf(conversationId)}`,
    gsi1sk: `${failedAt}#${conversationId}#${seq}`,
  }),
  failedPartition: (shard: number) => `OUTBOX#FAILED#${shard}`,
  failedCounter: () => ({ pk: 'OUTBOX#COUNTERS', sk: 'FAILED' }),
  queue: (destinationId: string, status: string, createdAt: string, conversationId: string) => ({
    gsi2pk: `QUEUE#${destinationId}`,
    gsi2sk: `${status}#${createdAt}#${conversationId}`,
  }),
};

/** The live-updates records (see `#store/live.ts`). */
export const liveKeys = {
  ticket: (ticketHash: string) => ({ pk: `LIVE#TICKET#${ticketHash}`, sk: 'TICKET' }),
  connection: (connectionId: string) => ({ pk: `LIVE#CONN#${connectionId}`, sk: 'CONNECTION' }),
  listener: (queue: string, connectionId: string) => ({
    pk: `LIVE#QUEUE#${queue}`,
    sk: `CONN#${connectionId}`,
  }),
  listeners: (queue: string) => ({ pk: `LIVE#QUEUE#${queue}`, skPrefix: 'CONN#' }),
  agentConnection: (employeeId: string, connectionId: string) => ({
    pk: `LIVE#AGENT#${employeeId}`,
    sk: `CONN#${connectionId}`,
  }),
  agentConnections: (employeeId: string) => ({ pk: `LIVE#AGENT#${employeeId}`, skPrefix: 'CONN#' }),
};

/** Message ids are the domain's (`#domain/shared/ids.ts`); the store builds its keys from their numbers. */
export { conversationOfMessageId, messageId, seqOfMessageId } from '#domain/shared/ids.ts';

export function seqOfSortKey(sk: string): number {
  return Number(sk.slice('MSG#'.length));
}
