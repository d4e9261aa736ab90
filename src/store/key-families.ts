import type { KeyFamily } from '#api/routes.ts';
import { indexNames } from '#store/keys.ts';

/**
 * The kinds of items, told apart by their partition key (see `#store/keys.ts`), that a function may be
 * allowed to read or write. The route table names them per function (`keyFamilyNames` in
 * `#api/routes.ts`, which this object covers exactly); the CDK stack turns them into
 * `dynamodb:LeadingKeys` conditions, so a function's role reaches only those partitions.
 */
export const keyFamilies = {
  /** Channels: name, token hash, webhook, platform URL. */
  channels: { leadingKeys: ['CHANNELS'] },
  /** A channel's agent-platform signing secret, readable only by the functions that sign with it. */
  channelSecrets: { leadingKeys: ['SECRET#*'] },
  destinations: { leadingKeys: ['DESTINATIONS'] },
  /** Agents: profile, token hash, presence. */
  agents: { leadingKeys: ['AGENTS'] },
  /** Canned replies of every destination. */
  cannedReplies: { leadingKeys: ['CANNED'] },
  /** Ids of the namespace agents and destinations share, reserved for good. */
  reservedIds: { leadingKeys: ['IDS'] },
  /** A user's pointer to their open conversation. */
  openConversations: { leadingKeys: ['OPEN#*'] },
  /** A conversation and everything under it: transcript, outbox, idempotency records, wake-ups. */
  conversations: { leadingKeys: ['CONV#*'] },
  liveTickets: { leadingKeys: ['LIVE#TICKET#*'] },
  liveConnections: { leadingKeys: ['LIVE#CONN#*'] },
  liveListeners: { leadingKeys: ['LIVE#QUEUE#*'] },
  /** An agent's open connections, closed when it is revoked or its token rotated. */
  agentConnections: { leadingKeys: ['LIVE#AGENT#*'] },
  /** The outbox's counters (failed events), kept by the deliverer, read by the sweep. */
  outboxCounters: { leadingKeys: ['OUTBOX#COUNTERS'] },
  /** The byState index: where delivery finds due, waiting and failed work. */
  outboxStates: { index: indexNames.byState, leadingKeys: ['OUTBOX#*'] },
  /** The byQueue index: the conversations of a destination. */
  queues: { index: indexNames.byQueue, leadingKeys: ['QUEUE#*'] },
} as const satisfies Record<KeyFamily, { index?: string; leadingKeys: readonly string[] }>;

/** IAM's `StringLike`: `*` matches any run of characters, everything else itself. */
function matches(pattern: string, value: string): boolean {
  const regex = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${regex}$`, 's').test(value);
}

/** The family a partition key (of the table, or of `index` when one is queried) belongs to. */
export function familyOf(partition: string, index?: string): KeyFamily | undefined {
  return (Object.keys(keyFamilies) as KeyFamily[]).find((name) => {
    const family: { index?: string; leadingKeys: readonly string[] } = keyFamilies[name];
    return family.index === index && family.leadingKeys.some((pattern) => matches(pattern, partition));
  });
}
