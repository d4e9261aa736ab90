import type { CannedReply } from '#domain/directory/model.ts';
import * as z from '#domain/shared/zod.ts';

/**
 * The limits of a canned reply. A shortcut is what the agent types after `/` in the composer, so it is
 * one word: no `/`, no spaces; it is matched case-insensitively, so it is kept in lower case.
 */
export const shortcutSchema = z
  .string()
  .check(
    z.trim(),
    z.toLowerCase(),
    z.minLength(1, 'must not be empty'),
    z.maxLength(32, 'use at most 32 characters'),
    z.regex(/^[a-z0-9][a-z0-9._-]*$/, 'use letters, digits, ., - or _, starting with a letter or digit'),
  );

export const titleSchema = z
  .string()
  .check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(100, 'use at most 100 characters'));

/** Room for the placeholders to grow into an agent message (at most 20,000 characters). */
export const replyTextSchema = z.string().check(
  z.refine((text) => text.trim().length > 0, 'must not be empty'),
  z.maxLength(4000, 'use at most 4000 characters'),
);

/** As an agent's composer lists them: by shortcut, then by destination. */
export function byShortcut(a: CannedReply, b: CannedReply): number {
  return a.shortcut.localeCompare(b.shortcut, 'en') || a.destinationId.localeCompare(b.destinationId, 'en');
}
