import { httpUrl } from '#api/shared.ts';
import * as z from '#api/zod.ts';

/**
 * The Operator API (PRODUCT.md section 1): what DialogStudio sends, read as leniently as the public page
 * is loose (`size` as a number or a numeric string, pre-chat fields as objects or JSON strings, unknown
 * fields ignored), and what each call answers.
 */

/** Ids end up in DynamoDB keys: 256 UTF-16 units are at most 768 UTF-8 bytes, far below a key's 1,024. */
const userId = z.string().check(z.trim(), z.minLength(1), z.maxLength(256));

/** The channel token in every Operator API path: the credential. */
export const operatorPath = z.object({
  token: z.string().register(z.globalRegistry, {
    description: "The channel token: the credential in the channel's API URL",
  }),
});

/**
 * A pre-chat field (`attributes`, `hiddenAttributes`, `customData`) as sent: any JSON value. Never
 * refused for its shape; the use case stores its safe form (`#domain/conversations/prechat.ts`) and refuses only the
 * three fields of one request over 128 KiB together, naming the largest.
 */
const prechatField = z.unknown().register(z.globalRegistry, {
  description:
    'A JSON object, or a string holding one; any other value is kept as {"value": ...}. The three pre-chat fields of one request take at most 128 KiB together.',
});

const fileSize = z.union([
  z.number().check(z.int(), z.nonnegative()),
  z.pipe(z.string().check(z.regex(/^\d{1,15}$/, 'must be a whole number of bytes')), z.transform(Number)),
]);

export const setWebhookInput = z.object({ url: httpUrl });

export const sendTextInput = z.object({
  userId,
  text: z.string().check(z.minLength(1), z.maxLength(32_000)),
});

export const sendFileInput = z.object({
  userId,
  url: httpUrl,
  fileName: z.optional(z.string().check(z.maxLength(1024))),
  size: z.optional(fileSize),
});

export const closeChatInput = z.object({
  userId,
  text: z._default(z.string().check(z.maxLength(32_000)), ''),
});

export const selectDestinationInput = z.object({
  userId,
  // A number may come as one (the page's example is "54321"); one too large for JavaScript arrives as its text.
  destinationId: z.union([
    z.string().check(z.trim(), z.minLength(1), z.maxLength(256)),
    z.pipe(z.number(), z.transform(String)),
  ]),
  userName: z.optional(z.string().check(z.maxLength(512))),
  attributes: z.optional(prechatField),
  hiddenAttributes: z.optional(prechatField),
  customData: z.optional(prechatField),
});

export type SetWebhookInput = z.infer<typeof setWebhookInput>;
export type SendTextInput = z.infer<typeof sendTextInput>;
export type SendFileInput = z.infer<typeof sendFileInput>;
export type CloseChatInput = z.infer<typeof closeChatInput>;
export type SelectDestinationInput = z.infer<typeof selectDestinationInput>;

/** `setWebhook` answers an empty object. */
export const setWebhookResponse = z.strictObject({});

/** `sendText` and `sendFile`: the conversation the message landed in (opened if none was), and its entry. */
export const clientMessageResponse = z.strictObject({ conversationId: z.string(), messageId: z.string() });

/** `closeChat`: the conversation it closed; `{}` when the user had none open (a close is never refused). */
export const closeChatResponse = z.strictObject({ conversationId: z.optional(z.string()) });

/** `selectDestination`: the open conversation and the destination it now waits in. */
export const selectDestinationResponse = z.strictObject({
  conversationId: z.string(),
  destinationId: z.string(),
});

/** `getDestinations`: every agent group, and whether DialogStudio should hand over to it now. */
export const getDestinationsResponse = z.strictObject({
  destinations: z.array(
    z.strictObject({ destinationId: z.string(), name: z.string(), hasOnline: z.boolean() }),
  ),
});
export type GetDestinationsResponse = z.infer<typeof getDestinationsResponse>;
