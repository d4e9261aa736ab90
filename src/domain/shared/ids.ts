import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A short random identifier (96 bits, URL-safe) with a readable prefix. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

/**
 * A credential of the form `{ownerId}.{secret}`: the owner id finds the record with one read and
 * the 192-bit secret is compared against the stored hash in constant time. Only the hash is kept.
 */
export function newCredential(ownerId: string): { token: string; secretHash: string } {
  const secret = randomBytes(24).toString('base64url');
  return { token: `${ownerId}.${secret}`, secretHash: hashSecret(secret) };
}

export function parseCredential(token: string | undefined): { ownerId: string; secret: string } | undefined {
  if (!token || token.length > 200) return undefined;
  const dot = token.indexOf('.');
  if (dot <= 0 || dot === token.length - 1) return undefined;
  return { ownerId: token.slice(0, dot), secret: token.slice(dot + 1) };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(secret: string, storedHash: string | undefined): boolean {
  const actual = Buffer.from(hashSecret(secret), 'hex');
  const expected = Buffer.from(storedHash ?? '', 'hex');
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}

/** A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64. It must stay readable to sign. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Message ids are `{conversationId}-{seq}`: unique across conversations, stable, and ordered within one. */
export function messageId(conversationId: string, seq: number): string {
  return `${conversationId}-${seq}`;
}

export function seqOfMessageId(conversationId: string, id: string): number | undefined {
  if (!id.startsWith(`${conversationId}-`)) return undefined;
  const seq = Number(id.slice(conversationId.length + 1));
  return Number.isSafeInteger(seq) && seq > 0 ? seq : undefined;
}

/** The conversation an event id belongs to (ids are `{conversationId}-{seq}`). */
export function conversationOfMessageId(id: string): string {
  return id.slice(0, id.lastIndexOf('-'));
}
