import { httpUrl, isoTime } from '#api/shared.ts';
import * as z from '#api/zod.ts';

/**
 * The Agent API (PRODUCT.md section 3): what each route reads and what it answers. Ids are at most 256
 * characters, like every key part. The console's types are inferred from these (type-only).
 */

/**
 * An id in a path: at most 256 characters (768 UTF-8 bytes), so no key built from one can pass
 * DynamoDB's limits; a longer one names nothing, and answers as a missing one does (404).
 */
const pathId = z.string().check(z.minLength(1), z.maxLength(256));
export const conversationPath = z.object({ conversationId: pathId });
export const messagePath = z.object({ conversationId: pathId, messageId: pathId });

export const presenceInput = z.object({ online: z.boolean() });
export type PresenceInput = z.infer<typeof presenceInput>;

/** A page size given in the query string: a whole number from 1 to `max`. */
const pageLimit = (max: number) => z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(max)));

export const conversationStatus = z.enum(['waiting', 'active', 'closed']);
export type ConversationStatus = z.infer<typeof conversationStatus>;

export const conversationsQuery = z.object({
  status: z.optional(conversationStatus),
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
    url: z.optional(httpUrl),
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

/** Idempotency-Key: an opaque client-chosen string, as in the IETF draft. */
export const idempotencyKey = z
  .string()
  .check(z.minLength(1), z.maxLength(255), z.regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'));

/** The headers `POST .../messages` reads besides `Authorization`. */
export const sendMessageHeaders = z.object({
  'idempotency-key': z.optional(
    idempotencyKey.register(z.globalRegistry, {
      description: 'A repeat with the same key answers the first answer',
    }),
  ),
});

export const transferInput = z.object({
  destinationId: z.string().check(z.trim(), z.minLength(1), z.maxLength(128)),
});
export type TransferInput = z.infer<typeof transferInput>;

/** `GET /agent/me`: the calling agent. */
export const meResponse = z.strictObject({
  employeeId: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  avatarUrl: z.string(),
  /** The agent groups the agent answers. */
  destinations: z.array(z.string()),
  online: z.boolean(),
});
export type Me = z.infer<typeof meResponse>;

/** `PUT /agent/me/presence`: presence as stored, and how often to repeat it to stay online. */
export const presenceResponse = z.strictObject({
  online: z.boolean(),
  heartbeatSeconds: z.number().check(z.int(), z.positive()),
});
export type Presence = z.infer<typeof presenceResponse>;

/** `GET /agent/destinations`: each group with whether DialogStudio sees it online, and its agents. */
export const destinationsResponse = z.strictObject({
  destinations: z.array(
    z.strictObject({
      destinationId: z.string(),
      name: z.string(),
      hasOnline: z.boolean(),
      /** Its business hours; absent when always open. */
      hours: z.optional(
        z.strictObject({
          timeZone: z.string(),
          weekly: z.array(
            z.strictObject({
              day: z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']),
              from: z.string(),
              to: z.string(),
            }),
          ),
          closedOn: z.array(z.string()),
        }),
      ),
      /** Whether it is open by its business hours now (always, without hours). */
      openNow: z.boolean(),
      /** When it opens next, while closed; absent when it never does (no opening intervals). */
      opensAt: z.optional(isoTime),
      agents: z.array(
        z.strictObject({
          employeeId: z.string(),
          firstName: z.string(),
          lastName: z.string(),
          online: z.boolean(),
        }),
      ),
    }),
  ),
});
export type Destination = z.infer<typeof destinationsResponse>['destinations'][number];

/** `GET /agent/canned-replies`: the canned replies of the agent's destinations, by shortcut. */
export const cannedRepliesResponse = z.strictObject({
  replies: z.array(
    z.strictObject({
      replyId: z.string(),
      /** The agent group, or the agent's own queue, it belongs to. */
      destinationId: z.string(),
      /** What the agent types after `/`; lower case, no spaces. */
      shortcut: z.string(),
      title: z.string(),
      /** With placeholders `{userName}`, `{attributes.<key>}`, `{agentFirstName}` (`#api/placeholders.ts` fills them). */
      text: z.string(),
    }),
  ),
});
export type CannedReply = z.infer<typeof cannedRepliesResponse>['replies'][number];

/** A conversation as agents see it: everything but the hidden attributes. */
export const conversationView = z.strictObject({
  conversationId: z.string(),
  channelId: z.string(),
  userId: z.string(),
  userName: z.string(),
  destinationId: z.string(),
  status: conversationStatus,
  /** The agent who accepted it, while it is active. */
  assignee: z.optional(z.string()),
  attributes: z.record(z.string(), z.unknown()),
  customData: z.record(z.string(), z.unknown()),
  createdAt: isoTime,
  lastMessageAt: isoTime,
  /** Once closed. */
  closedAt: z.optional(isoTime),
  /** When it last started waiting for an agent. */
  waitingSince: z.optional(isoTime),
  /** When an agent first answered; absent until then. */
  firstResponseAt: z.optional(isoTime),
});
export type Conversation = z.infer<typeof conversationView>;

/** A page of conversations; `next` (pass it as `cursor`) while more remain. */
export const conversationsResponse = z.strictObject({
  conversations: z.array(conversationView),
  next: z.optional(z.string()),
});

/** An agent's close or transfer: the conversation as it is now, and the event it sent DialogStudio. */
export const conversationChangeResponse = z.strictObject({
  ...conversationView.shape,
  /** `Closed` or `SelectDestination`; missing when nothing changed (already closed, same destination). */
  eventId: z.optional(z.string()),
});

/** Where an event to DialogStudio (or the agent platform) stands: PRODUCT.md section 2. */
export const deliveryState = z.strictObject({
  target: z.enum(['dialogstudio', 'platform']),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().check(z.int(), z.nonnegative()),
  createdAt: isoTime,
  /** When the next attempt is due. */
  nextAttemptAt: z.optional(isoTime),
  /** The first real attempt; the retry window counts from it. */
  firstAttemptAt: z.optional(isoTime),
  lastError: z.optional(z.string()),
  /** The HTTP status of the last answer, when there was one. */
  lastStatus: z.optional(z.number().check(z.int())),
  deliveredAt: z.optional(isoTime),
  failedAt: z.optional(isoTime),
});
export type Delivery = z.infer<typeof deliveryState>;

export const noteKind = z.enum([
  'opened',
  'moved',
  'unknown_destination',
  'accepted',
  'closed_by_client',
  'closed_by_agent',
  'returned_to_queue',
]);

/** A transcript entry: a client or agent message or file, or a system note. */
export const transcriptEntry = z.strictObject({
  id: z.string(),
  /** Its place in the conversation, from 1. */
  seq: z.number().check(z.int(), z.positive()),
  conversationId: z.string(),
  from: z.enum(['client', 'agent', 'system', 'bot']),
  type: z.enum(['text', 'file', 'note']),
  text: z.optional(z.string()),
  url: z.optional(z.string()),
  name: z.optional(z.string()),
  size: z.optional(z.number()),
  comment: z.optional(z.string()),
  /** A turn of the bot conversation that the first client message carried (PRODUCT.md section 5). */
  history: z.optional(z.boolean()),
  /** What a system note records. */
  note: z.optional(noteKind),
  /** The agent who wrote an agent message or caused a note. */
  employeeId: z.optional(z.string()),
  createdAt: isoTime,
  /** For an entry that is an event to DialogStudio or the agent platform. */
  delivery: z.optional(deliveryState),
});
export type Message = z.infer<typeof transcriptEntry>;

/** A page of the transcript, oldest first; `next` (pass it as `after`) while more remain. */
export const messagesResponse = z.strictObject({
  messages: z.array(transcriptEntry),
  next: z.optional(z.string()),
});

/** `POST .../messages` and `.../retry` answer 202 with the event's id. */
export const eventAccepted = z.strictObject({ id: z.string() });
