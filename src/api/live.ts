import { isoTime } from '#api/shared.ts';
import * as z from '#api/zod.ts';

/** Live updates (PRODUCT.md section 3): the ticket, the WebSocket's query string and what it carries. */

/** `POST /agent/live/ticket` answers this. */
export const liveTicket = z.strictObject({
  ticket: z.string(),
  /** The WebSocket to open, with `?ticket=` appended. */
  url: z.string(),
  expiresAt: isoTime,
});
export type LiveTicket = z.infer<typeof liveTicket>;

/** The WebSocket's `$connect` query string. */
export const liveConnectQuery = z.object({ ticket: z.string().check(z.minLength(1), z.maxLength(200)) });

export const liveNotificationTypes = [
  /** A conversation appeared in one of the agent's queues. */
  'conversation.created',
  /** Its status, assignee, destination or last message time changed (also sent to the queue it left). */
  'conversation.changed',
  /** A transcript entry was added: a client or agent message, a file, or a system note. */
  'message.created',
  /** An event's delivery state changed (pending, delivered, failed, attempts, last error). */
  'delivery.changed',
] as const;

/** One WebSocket message: a notification only; the data itself comes from the Agent API. */
export const liveNotification = z.object({
  type: z.enum(liveNotificationTypes),
  conversationId: z.string(),
  /** The transcript entry, for `message.created` and `delivery.changed`. */
  messageId: z.optional(z.string()),
});
export type LiveNotification = z.infer<typeof liveNotification>;
