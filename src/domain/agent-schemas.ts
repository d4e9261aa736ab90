import { z } from 'zod';

/** Requests of the Agent API (PRODUCT.md section 3). */

export const presenceInput = z.object({ online: z.boolean() });
export type PresenceInput = z.infer<typeof presenceInput>;

/** A page size given in the query string: a whole number from 1 to `max`. */
const pageLimit = (max: number) => z.coerce.number().int().min(1).max(max).optional();

export const conversationsQuery = z.object({
  status: z.enum(['waiting', 'active', 'closed']).optional(),
  destinationId: z.string().min(1).max(128).optional(),
  limit: pageLimit(200),
  cursor: z.string().min(1).max(512).optional(),
});
export type ConversationsQuery = z.infer<typeof conversationsQuery>;

export const messagesQuery = z.object({
  after: z.string().min(1).max(256).optional(),
  limit: pageLimit(500),
});
export type MessagesQuery = z.infer<typeof messagesQuery>;

const httpUrl = z
  .string()
  .max(4096)
  .refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), 'must be an http(s) URL');

/** `{text}` for a TextMessage, or `{url, name?, size?, comment?}` for a FileMessage. */
export const agentMessageInput = z
  .object({
    text: z.string().trim().min(1, 'must not be empty').max(20_000).optional(),
    url: httpUrl.optional(),
    name: z.string().trim().min(1).max(1024).optional(),
    size: z.number().int().nonnegative().optional(),
    comment: z.string().max(4096).optional(),
  })
  .superRefine((value, context) => {
    if ((value.text === undefined) === (value.url === undefined)) {
      context.addIssue({ code: 'custom', path: ['text'], message: 'give either text or url' });
    }
  });
export type AgentMessageInput = z.infer<typeof agentMessageInput>;

export const transferInput = z.object({ destinationId: z.string().trim().min(1).max(128) });
export type TransferInput = z.infer<typeof transferInput>;

/** Idempotency-Key: an opaque client-chosen string, as in the IETF draft. */
export const idempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');
