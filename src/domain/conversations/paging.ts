import { createHash } from 'node:crypto';
import type { Conversation } from '#domain/conversations/model.ts';
import { ValidationError } from '#domain/shared/errors.ts';

/** Agent API lists stop before their answer passes this size, far below Lambda's 6 MB response limit. */
const MAX_LIST_BYTES = 1024 * 1024;

/** A list's position: createdAt and id, the order of the queue index. */
export function positionOf(conversation: Conversation): string {
  return `${conversation.createdAt}#${conversation.conversationId}`;
}

/**
 * A list cursor: opaque to callers, the position of the last conversation returned (or looked at), and a
 * check of it. The check is no secret (the position gives an agent nothing it could not list anyway):
 * it makes a cursor that was cut, edited or taken from elsewhere a clear 400 instead of another page.
 */
export function encodeCursor(position: string): string {
  return `${Buffer.from(position).toString('base64url')}.${checkOf(position)}`;
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const [encoded = '', check, ...rest] = cursor.split('.');
  const position = Buffer.from(encoded, 'base64url').toString('utf8');
  const intact =
    rest.length === 0 &&
    check === checkOf(position) &&
    Buffer.from(position).toString('base64url') === encoded;
  if (!intact || !/^\d{4}-\d\d-\d\dT[\d:.]+Z#[\w-]{1,128}$/.test(position)) {
    throw new ValidationError('invalid_query', 'cursor: not a cursor this API gave out', [
      { path: 'cursor', message: 'not a cursor this API gave out' },
    ]);
  }
  return position;
}

function checkOf(position: string): string {
  return createHash('sha256').update(position).digest('base64url').slice(0, 8);
}

/** Takes items while the answer (as agents see them) stays under the size limit; always at least one. */
export function withinBytes<T>(items: T[], limit: number, view: (item: T) => unknown = (item) => item): T[] {
  const taken: T[] = [];
  let bytes = 0;
  for (const item of items.slice(0, limit)) {
    bytes += Buffer.byteLength(JSON.stringify(view(item)));
    if (taken.length > 0 && bytes > MAX_LIST_BYTES) break;
    taken.push(item);
  }
  return taken;
}
