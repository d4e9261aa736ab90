import { httpUrl } from '#api/http-url.ts';
import * as z from '#domain/shared/zod.ts';

/** Requests of the Agent API (PRODUCT.md section 3). Ids are at most 256 characters, like every key part. */

export const presenceInput = z.object({ online: z.boolean() });
export type PresenceInput = z.infer<typeof presenceInput>;

/** A page size given in the query string: a whole number from 1 to `max`. */
const pageLimit = (max: number) => z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(max)));

export const conversationsQuery = z.object({
  status: z.optional(z.enum(['waiting', 'active', 'closed'])),
  destinationId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  limit: pageLimit(200),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
});
export type ConversationsQuery = z.infer<typeof conversationsQuery>;

export const messagesQuery = z.object({
  after: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  limit: pageLimit(500),
});
export type MessagesQuery = z.infer<typeof messagesQuery>;

/** `{text}` for a TextMessage, or `{url, name?, size?, comment?}` for a FileMessage. */
export const agentMessageInput = z
  .object({
    text: z.optional(z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(20_000))),
    url: z.optional(httpUrl()),
    name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(1024))),
    size: z.optional(z.number().check(z.int(), z.nonnegative())),
    comment: z.optional(z.string().check(z.maxLength(4096))),
  })
  .check(
    z.superRefine((value, context) => {
      if ((value.text === undefined) === (value.url === undefined)) {
        context.addIssue({ code: 'custom', path: ['text'], message: 'give either text or url' });
      }
    }),
  );
export type AgentMessageInput = z.infer<typeof agentMessageInput>;

export const transferInput = z.object({
  destinationId: z.string().check(z.trim(), z.minLength(1), z.maxLength(128)),
});
export type TransferInput = z.infer<typeof transferInput>;

/** Idempotency-Key: an opaque client-chosen string, as in the IETF draft. */
export const idempotencyKey = z
  .string()
  .check(z.minLength(1), z.maxLength(255), z.regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'));
