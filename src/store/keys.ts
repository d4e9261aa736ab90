/**
 * Every key shape of the single table, built in one place.
 *
 * Main index (pk, sk):
 *   CHANNELS / CHANNEL#{channelId}              channel: name, token hash, webhook, default destination
 *   DESTINATIONS / DEST#{destinationId}         agent group
 *   AGENTS / AGENT#{employeeId}                 agent profile, token hash, presence
 *   OPEN#{channelId}#{userId} / OPEN            pointer to the user's open conversation
 *   CONV#{conversationId} / META                conversation
 *   CONV#{conversationId} / MSG#{seq}           transcript entry; agent and client events carry delivery state (the outbox)
 *   CONV#{conversationId} / IDEMPOTENCY#{key}   first answer to an Idempotency-Key
 *   CONV#{conversationId} / LEASE               who delivers this conversation's events, until when
 * byState index (gsi1pk, gsi1sk), sparse: outbox entries that still need work
 *   OUTBOX#PENDING / {nextAttemptAt}#{conversationId}#{seq}
 *   OUTBOX#FAILED  / {failedAt}#{conversationId}#{seq}
 *   OUTBOX#WAITING#{target}#{channelId} / {createdAt}#{conversationId}#{seq}   pending, but the target has no URL yet
 * byQueue index (gsi2pk, gsi2sk): conversations of a destination
 *   QUEUE#{destinationId} / {status}#{createdAt}#{conversationId}
 */
export const indexNames = { byState: 'byState', byQueue: 'byQueue' } as const;

const SEQ_WIDTH = 10;

export const keys = {
  channel: (channelId: string) => ({ pk: 'CHANNELS', sk: `CHANNEL#${channelId}` }),
  channels: () => ({ pk: 'CHANNELS', skPrefix: 'CHANNEL#' }),
  destination: (destinationId: string) => ({ pk: 'DESTINATIONS', sk: `DEST#${destinationId}` }),
  destinations: () => ({ pk: 'DESTINATIONS', skPrefix: 'DEST#' }),
  agent: (employeeId: string) => ({ pk: 'AGENTS', sk: `AGENT#${employeeId}` }),
  agents: () => ({ pk: 'AGENTS', skPrefix: 'AGENT#' }),
  openConversation: (channelId: string, userId: string) => ({
    pk: `OPEN#${channelId}#${userId}`,
    sk: 'OPEN',
  }),
  conversation: (conversationId: string) => ({ pk: `CONV#${conversationId}`, sk: 'META' }),
  message: (conversationId: string, seq: number) => ({
    pk: `CONV#${conversationId}`,
    sk: `MSG#${String(seq).padStart(SEQ_WIDTH, '0')}`,
  }),
  messages: (conversationId: string) => ({ pk: `CONV#${conversationId}`, skPrefix: 'MSG#' }),
  idempotency: (conversationId: string, key: string) => ({
    pk: `CONV#${conversationId}`,
    sk: `IDEMPOTENCY#${key}`,
  }),
  pendingState: (nextAttemptAt: string, conversationId: string, seq: number) => ({
    gsi1pk: 'OUTBOX#PENDING',
    gsi1sk: `${nextAttemptAt}#${conversationId}#${seq}`,
  }),
  failedState: (failedAt: string, conversationId: string, seq: number) => ({
    gsi1pk: 'OUTBOX#FAILED',
    gsi1sk: `${failedAt}#${conversationId}#${seq}`,
  }),
  waitingState: (
    target: string,
    channelId: string,
    createdAt: string,
    conversationId: string,
    seq: number,
  ) => ({
    gsi1pk: `OUTBOX#WAITING#${target}#${channelId}`,
    gsi1sk: `${createdAt}#${conversationId}#${seq}`,
  }),
  deliveryLease: (conversationId: string) => ({ pk: `CONV#${conversationId}`, sk: 'LEASE' }),
  queue: (destinationId: string, status: string, createdAt: string, conversationId: string) => ({
    gsi2pk: `QUEUE#${destinationId}`,
    gsi2sk: `${status}#${createdAt}#${conversationId}`,
  }),
};

/** Message ids are `{conversationId}-{seq}`: unique across conversations, stable, and ordered within one. */
export function messageId(conversationId: string, seq: number): string {
  return `${conversationId}-${seq}`;
}

export function seqOfMessageId(conversationId: string, id: string): number | undefined {
  if (!id.startsWith(`${conversationId}-`)) return undefined;
  const seq = Number(id.slice(conversationId.length + 1));
  return Number.isSafeInteger(seq) && seq > 0 ? seq : undefined;
}

export function seqOfSortKey(sk: string): number {
  return Number(sk.slice('MSG#'.length));
}
