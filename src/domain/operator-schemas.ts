import { prechatLimits, prechatSize, safePrechatField } from '#domain/prechat.ts';
import * as z from '#domain/zod.ts';

/**
 * Requests DialogStudio sends to the Operator API, read as leniently as the public page is loose:
 * `size` as a number or a numeric string, pre-chat fields as objects or JSON strings, unknown fields ignored.
 */

/** Ids end up in DynamoDB keys: 256 UTF-16 units are at most 768 UTF-8 bytes, far below a key's 1,024. */
const userId = z.string().check(z.trim(), z.minLength(1), z.maxLength(256));
const httpUrl = z.string().check(
  z.maxLength(4096),
  z.refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), 'must be an http(s) URL'),
);

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

export const selectDestinationInput = z
  .object({
    userId,
    destinationId: z.pipe(
      z.union([z.string(), z.number()]),
      z.pipe(z.transform(String), z.string().check(z.trim(), z.minLength(1), z.maxLength(256))),
    ),
    userName: z.optional(z.string().check(z.maxLength(512))),
    attributes: z.optional(prechatField),
    hiddenAttributes: z.optional(prechatField),
    customData: z.optional(prechatField),
  })
  .check(
    z.superRefine((input, context) => {
      const size = prechatSize(input);
      if (size <= prechatLimits.maxBytes) return;
      const fields = (['attributes', 'hiddenAttributes', 'customData'] as const).filter(
        (field) => input[field] !== undefined,
      );
      const largest = fields.reduce((a, b) =>
        prechatSize({ [a]: input[a] }) >= prechatSize({ [b]: input[b] }) ? a : b,
      );
      context.addIssue({
        code: 'too_big',
        origin: 'object',
        maximum: prechatLimits.maxBytes,
        path: [largest],
        message: `pre-chat data is ${size} bytes together; at most ${prechatLimits.maxBytes}`,
        input: input[largest],
      });
    }),
  );

export type SetWebhookInput = z.infer<typeof setWebhookInput>;
export type SendTextInput = z.infer<typeof sendTextInput>;
export type SendFileInput = z.infer<typeof sendFileInput>;
export type CloseChatInput = z.infer<typeof closeChatInput>;
export type SelectDestinationInput = z.infer<typeof selectDestinationInput>;
