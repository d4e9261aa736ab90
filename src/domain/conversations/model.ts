import type { Delivery } from '#domain/outbox/model.ts';

/** A conversation and its transcript, as the domain sees them (the store adds and strips key attributes). */
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
  /** When it last started waiting for an agent (opened, transferred, returned to the queue). */
  waitingSince?: string;
  /** When an agent first answered; absent until then. */
  firstResponseAt?: string;
  /**
   * Opened before the client wrote anything (selectDestination): its first message may carry the bot
   * conversation. Every client message removes it, so no later one is ever read as history. Internal,
   * not shown.
   */
  awaitsFirstClientMessage?: boolean;
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
  from: 'client' | 'agent' | 'system' | 'bot';
  type: 'text' | 'file' | 'note';
  text?: string;
  url?: string;
  name?: string;
  size?: number;
  comment?: string;
  /** A turn of the bot conversation, parsed from the first client message (PRODUCT.md section 5). */
  history?: boolean;
  note?: NoteKind;
  employeeId?: string;
  /** The Idempotency-Key of the agent request that wrote it; internal, not shown. */
  idempotencyKey?: string;
  /** The write that numbered it, so a put sent again finds its own entry; internal, not shown. */
  writeId?: string;
  createdAt: string;
  delivery?: Delivery;
}
