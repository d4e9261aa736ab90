import { z } from 'zod';

/**
 * Requests DialogStudio sends to the Operator API, read as leniently as the public page is loose:
 * `size` as a number or a numeric string, pre-chat fields as objects or JSON strings, unknown fields ignored.
 */

const userId = z.string().trim().min(1).max(256);
const httpUrl = z
  .string()
  .max(4096)
  .refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), 'must be an http(s) URL');

const jsonObject = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    if (value.trim() === '') return {};
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  },
  z.record(z.string(), z.unknown(), 'must be a JSON object or a string holding one'),
);

const fileSize = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(/^\d{1,15}$/, 'must be a whole number of bytes')
    .transform(Number),
]);

export const setWebhookInput = z.object({ url: httpUrl });

export const sendTextInput = z.object({ userId, text: z.string().min(1).max(32_000) });

export const sendFileInput = z.object({
  userId,
  url: httpUrl,
  fileName: z.string().max(1024).optional(),
  size: fileSize.optional(),
});

export const closeChatInput = z.object({ userId, text: z.string().max(32_000).default('') });

export const selectDestinationInput = z.object({
  userId,
  destinationId: z.union([z.string(), z.number()]).transform(String).pipe(z.string().trim().min(1).max(256)),
  userName: z.string().max(512).optional(),
  attributes: jsonObject.optional(),
  hiddenAttributes: jsonObject.optional(),
  customData: jsonObject.optional(),
});

export type SetWebhookInput = z.infer<typeof setWebhookInput>;
export type SendTextInput = z.infer<typeof sendTextInput>;
export type SendFileInput = z.infer<typeof sendFileInput>;
export type CloseChatInput = z.infer<typeof closeChatInput>;
export type SelectDestinationInput = z.infer<typeof selectDestinationInput>;
