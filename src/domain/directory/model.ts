import type { BusinessHours } from '#domain/directory/hours.ts';

/** The directory's records, as the domain sees them (the store adds and strips key attributes). */

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
  /** The system sender of automatic replies (PRODUCT.md section 5): its name and avatar; its employeeId is `system`. */
  systemName?: string;
  systemAvatarUrl?: string;
  createdAt: string;
}

export interface Destination {
  destinationId: string;
  name: string;
  /** None means always open. */
  hours?: BusinessHours;
  /** Sent once per closed period to a conversation waiting while the destination is closed or nobody is online. */
  offlineReply?: string;
  /** Sent once to a conversation nobody accepted within `waitingAfterMinutes`. */
  waitingReply?: string;
  waitingAfterMinutes?: number;
  createdAt: string;
}

/** A canned reply of a destination (PRODUCT.md section 5): the agent inserts it with `/shortcut` in the composer. */
export interface CannedReply {
  replyId: string;
  /** An agent group, or an agent's personal queue (its employeeId). */
  destinationId: string;
  /** Unique within its destination; kept in lower case. */
  shortcut: string;
  title: string;
  /** May hold placeholders, which the agent's application fills (`#api/placeholders.ts`). */
  text: string;
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
