import { httpUrl } from '#api/http-url.ts';
import {
  prechatFields,
  prechatLimits,
  prechatSize,
  safePrechatField,
} from '#domain/conversations/prechat.ts';
import * as z from '#domain/shared/zod.ts';

/**
 * Requests DialogStudio sends to the Operator API, read as leniently as the public page is loose:
 * `size` as a number or a numeric string, pre-chat fields as objects or JSON strings, unknown fields ignored.
 */

/** Ids end up in DynamoDB keys: 256 UTF-16 units are at most 768 UTF-8 bytes, far below a key's 1,024. */
const userId = z.string().check(z.trim(), z.minLength(1), z.maxLength(256));

/**
 * A pre-chat field (`attributes`, `hiddenAttributes`, `customData`): an object, or a string holding one.
 * Any other shape is kept too, never refused (see `safePrechatField`); the use case gets the safe form.
 */
const prechatField = z.pipe(
  z.transform((value): Record<string, unknown> | undefined => safePrechatField(value)),
  z.optional(
    z.record(z.string(), z.unknown()).register(z.globalRegistry, {
      description: 'A JSON object, or a string holding one; any other value is kept as {"value": ...}',
    }),
  ),
);

const fileSize = z.union([
  z.number().check(z.int(), z.nonnegative()),
  z.pipe(z.string().check(z.regex(/^\d{1,15}$/, 'must be a whole number of bytes')), z.transform(Number)),
]);

export const setWebhookInput = z.object({ url: httpUrl() });

export const sendTextInput = z.object({
  userId,
  text: z.string().check(z.minLength(1), z.maxLength(32_000)),
});

export const sendFileInput = z.object({
  userId,
  url: httpUrl(),
  fileName: z.optional(z.string().check(z.maxLength(1024))),
  size: z.optional(fileSize),
});

export const closeChatInput = z.object({
  userId,
  text: z._default(z.string().check(z.maxLength(32_000)), ''),
});

export const selectDestinationInput = z
  .object({
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
  })
  .check(
    z.superRefine((input, context) => {
      const size = prechatSize(input);
      if (size <= prechatLimits.maxBytes) return;
      const sizes = prechatFields.map((field) => [field, prechatSize({ [field]: input[field] })] as const);
      const [largest] = sizes.reduce((a, b) => (b[1] > a[1] ? b : a));
      context.addIssue({
        code: 'custom',
        path: [largest],
        message: `pre-chat fields take ${size} bytes together; the limit is ${prechatLimits.maxBytes}`,
      });
    }),
  );

export type SetWebhookInput = z.infer<typeof setWebhookInput>;
export type SendTextInput = z.infer<typeof sendTextInput>;
export type SendFileInput = z.infer<typeof sendFileInput>;
export type CloseChatInput = z.infer<typeof closeChatInput>;
export type SelectDestinationInput = z.infer<typeof selectDestinationInput>;
