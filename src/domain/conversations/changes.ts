/**
 * What one stored change means to the domain, whoever reports it: the table's stream in AWS, the local
 * runtime's change feed, a test. The store decodes its records into these (`#store/changes.ts`); the
 * delivery engine, retention and live updates act on them without knowing a key or an image.
 */
export type ConversationChange =
  /** A conversation appeared, waiting in `destinationId`'s queue. */
  | { kind: 'conversation-created'; conversationId: string; destinationIds: string[] }
  /** Its status, assignee, queue or last message time changed: `destinationIds` are the queue it is in and the one it left. */
  | { kind: 'conversation-changed'; conversationId: string; destinationIds: string[] }
  /** A transcript entry was added: a message, a file, a system note. */
  | { kind: 'message-created'; conversationId: string; messageId?: string }
  /** An event's delivery state changed (attempts, status, last error). */
  | { kind: 'delivery-changed'; conversationId: string; messageId?: string }
  /** There is something to deliver: a new outbox entry, or a redrive or `setWebhook` asking for another look. */
  | { kind: 'outbox-written'; conversationId: string }
  /**
   * The conversation's item expired (DynamoDB TTL): the rest of it is to go. `expired` is the item as it
   * was, opaque here, for the store to put back if something is still undelivered.
   */
  | { kind: 'conversation-expired'; conversationId: string; expired: Readonly<Record<string, unknown>> };
