import type { FileLink } from '../api.ts';
import type { Outgoing } from './state.ts';

/** An Idempotency-Key; `crypto.randomUUID` exists only in secure contexts, and a LAN address over http is not one. */
function newIdempotencyKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('');
}

/** A new reply, or one sent again with its key, so a retried request never doubles a message. */
export function outgoingOf(
  conversationId: string,
  content: { text: string } | FileLink,
  again: Outgoing | undefined,
): Outgoing {
  return again ?? { key: newIdempotencyKey(), conversationId, content };
}

/** The list with `item` (last, without an error) in place of any earlier attempt of it. */
export function withSending(list: Outgoing[], item: Outgoing): Outgoing[] {
  return [...without(list, item.key), { ...item, error: undefined }];
}

export function withError(list: Outgoing[], key: string, error: string): Outgoing[] {
  return list.map((item) => (item.key === key ? { ...item, error } : item));
}

export function without(list: Outgoing[], key: string): Outgoing[] {
  return list.filter((item) => item.key !== key);
}
