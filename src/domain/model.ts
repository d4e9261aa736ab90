/** The records of the product, as the domain sees them (the store adds and strips key attributes). */

export interface Channel {
  channelId: string;
  name: string;
  secretHash: string;
  defaultDestinationId: string;
  /** The API base its URL was first printed with (`--base-url`, `PUBLIC_URL`): a new token is printed with it too. */
  baseUrl?: string;
  webhookUrl?: string;
  agentPlatformUrl?: string;
  /** Signing secret for agent-platform notifications; must be readable to sign, so it is not hashed. */
  agentPlatformSecret?: string;
  createdAt: string;
}

export interface Destination {
  destinationId: string;
  name: string;
  createdAt: string;
}

export interface Agent {
  employeeId: string;
  firstName: string;
  lastName: string;
  avatarUrl?: string;
  destinations: string[];
  secretHash: string;
  /** Goes up on every revoke and new token: live tickets and connections of an older version are void. */
  credentialVersion?: number;
  revoked: boolean;
  online: boolean;
  lastSeenAt?: string;
  createdAt: string;
}

/** Records made before credential versions existed count as version 0. */
export function credentialVersionOf(agent: Pick<Agent, 'credentialVersion'>): number {
  return agent.credentialVersion ?? 0;
}

export type ConversationStatus = 'waiting' | 'active' | 'closed';

export interface Conversation {
  conversationId: string;
  channelId: string;
  userId: string;
  userName: string;
  destinationId: string;
  status: ConversationStatus;
  assignee?: string;
  attributes: Record<string, unknown>;
  hiddenAttributes: Record<string, unknown>;
  customData: Record<string, unknown>;
  createdAt: string;
  lastMessageAt: string;
  closedAt?: string;
}

export type DeliveryTarget = 'dialogstudio' | 'platform';
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** Outbox state of one event: the exact body is fixed at write time, so every attempt sends the same `id`. */
export interface Delivery {
  target: DeliveryTarget;
  status: DeliveryStatus;
  payload: Record<string, unknown>;
  attempts: number;
  createdAt: string;
  /** When the next attempt is due; the sweep finds it by this time. */
  nextAttemptAt?: string;
  /** The retry window (max age) counts from the first real attempt, not from a wait for the URL. */
  firstAttemptAt?: string;
  lastError?: string;
  /** HTTP status of the last answer, when there was one. */
  lastStatus?: number;
  deliveredAt?: string;
  failedAt?: string;
}

export type NoteKind =
  | 'opened'
  | 'moved'
  | 'unknown_destination'
  | 'accepted'
  | 'closed_by_client'
  | 'closed_by_agent'
  | 'returned_to_queue';

export interface TranscriptEntry {
  id: string;
  seq: number;
  conversationId: string;
  channelId: string;
  from: 'client' | 'agent' | 'system';
  type: 'text' | 'file' | 'note';
  text?: string;
  url?: string;
  name?: string;
  size?: number;
  comment?: string;
  note?: NoteKind;
  employeeId?: string;
  /** The Idempotency-Key of the agent request that wrote it; internal, not shown. */
  idempotencyKey?: string;
  /** The write that numbered it, so a put sent again finds its own entry; internal, not shown. */
  writeId?: string;
  createdAt: string;
  delivery?: Delivery;
}
