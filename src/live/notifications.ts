import type { LiveNotification } from '#api/live.ts';
import { keys } from '#store/keys.ts';

/**
 * One change to a table item, as the table's stream reports it (images unmarshalled). The local
 * runtime's change feed makes the same records from its own writes.
 */
export interface ChangeRecord {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  keys: { pk: string; sk: string };
  newImage?: Record<string, unknown>;
  oldImage?: Record<string, unknown>;
}

/** A notification and the queues whose listeners get it; none known means "the conversation's current one". */
export interface AddressedNotification {
  notification: LiveNotification;
  destinationIds: string[];
}

const conversationPrefix = keys.conversation('').pk;
const metaSortKey = keys.conversation('').sk;
const messagePrefix = keys.messages('').skPrefix;

function text(image: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = image?.[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * What a change means to agents: a conversation item created or changed (to the queue it is in and to
 * the one it left), or a transcript entry added or its delivery state changed. Other items (leases,
 * idempotency keys, live-update records) and removals mean nothing to them.
 */
export function notificationOf(record: ChangeRecord): AddressedNotification | undefined {
  const { pk, sk } = record.keys;
  if (!pk.startsWith(conversationPrefix) || record.eventName === 'REMOVE') return undefined;
  const conversationId = pk.slice(conversationPrefix.length);
  if (sk === metaSortKey) {
    const destinations = [text(record.newImage, 'destinationId'), text(record.oldImage, 'destinationId')];
    return {
      notification: {
        type: record.eventName === 'INSERT' ? 'conversation.created' : 'conversation.changed',
        conversationId,
      },
      destinationIds: [...new Set(destinations.filter((id): id is string => id !== undefined))],
    };
  }
  if (!sk.startsWith(messagePrefix)) return undefined;
  const messageId = text(record.newImage, 'id');
  if (record.eventName === 'INSERT') {
    return { notification: { type: 'message.created', conversationId, messageId }, destinationIds: [] };
  }
  const delivery = record.newImage?.delivery;
  const unchanged = record.oldImage && JSON.stringify(record.oldImage.delivery) === JSON.stringify(delivery);
  if (!delivery || unchanged) return undefined;
  return { notification: { type: 'delivery.changed', conversationId, messageId }, destinationIds: [] };
}
