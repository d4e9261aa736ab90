import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { ConversationChange } from '#domain/conversations/changes.ts';
import { keys, sortKeys } from '#store/keys.ts';

/**
 * One change to a table item, images unmarshalled: what a record of the table's stream says, and what
 * the local runtime's change feed makes of one of its own writes (`#store/change-feed.ts`).
 */
export interface ItemChange {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  keys: { pk: string; sk: string };
  newImage?: Record<string, unknown>;
  oldImage?: Record<string, unknown>;
  /** Removed by DynamoDB's TTL (the service), not by a request. */
  byTtl?: boolean;
}

const conversationPrefix = keys.conversation('').pk;
const messagePrefix = keys.messages('').skPrefix;
/** The principal that DynamoDB's TTL deletes as; a person's or a function's delete carries another. */
const ttlPrincipal = 'dynamodb.amazonaws.com';

function text(image: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = image?.[name];
  return typeof value === 'string' ? value : undefined;
}

const sameDelivery = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * What a change of an item means to the domain. A conversation item: created or changed (with the
 * queue it is in and the one it left), or expired by TTL. A transcript entry: added (and, when it
 * carries a delivery state, something to deliver), or its delivery state changed. A wake-up item:
 * something to deliver. Everything else (leases, idempotency keys, pre-chat data, directory and
 * live-update records, removals by a request) means nothing and decodes to none.
 */
export function changesOfItem(change: ItemChange): ConversationChange[] {
  const { pk, sk } = change.keys;
  if (!pk.startsWith(conversationPrefix)) return [];
  const conversationId = pk.slice(conversationPrefix.length);
  if (change.eventName === 'REMOVE') {
    const expired = sk === sortKeys.conversation && change.byTtl && change.oldImage;
    return expired ? [{ kind: 'conversation-expired', conversationId, expired }] : [];
  }
  if (sk === sortKeys.conversation) {
    const destinations = [text(change.newImage, 'destinationId'), text(change.oldImage, 'destinationId')];
    const destinationIds = [...new Set(destinations.filter((id): id is string => id !== undefined))];
    const kind = change.eventName === 'INSERT' ? 'conversation-created' : 'conversation-changed';
    return [{ kind, conversationId, destinationIds }];
  }
  if (sk.startsWith(sortKeys.wakeUpPrefix)) return [{ kind: 'outbox-written', conversationId }];
  if (!sk.startsWith(messagePrefix)) return [];
  const messageId = text(change.newImage, 'id');
  const delivery = change.newImage?.delivery as { status?: unknown } | undefined;
  if (change.eventName === 'INSERT') {
    return [
      { kind: 'message-created', conversationId, ...(messageId && { messageId }) },
      ...(typeof delivery?.status === 'string' ? [{ kind: 'outbox-written' as const, conversationId }] : []),
    ];
  }
  if (!delivery || (change.oldImage && sameDelivery(change.oldImage.delivery, delivery))) return [];
  return [{ kind: 'delivery-changed', conversationId, ...(messageId && { messageId }) }];
}

type Image = Record<string, AttributeValue>;
const imageOf = (attributes: unknown) => (attributes ? unmarshall(attributes as Image) : undefined);

/** A record of the table's stream as an item change; undefined for one that names no item. */
function itemChangeOfStreamRecord(record: DynamoDBRecord): ItemChange | undefined {
  const { eventName, dynamodb } = record;
  if (!eventName || !dynamodb?.Keys) return undefined;
  const key = imageOf(dynamodb.Keys) as Record<string, unknown>;
  if (typeof key.pk !== 'string' || typeof key.sk !== 'string') return undefined;
  return {
    eventName,
    keys: { pk: key.pk, sk: key.sk },
    newImage: imageOf(dynamodb.NewImage),
    oldImage: imageOf(dynamodb.OldImage),
    ...(record.userIdentity?.principalId === ttlPrincipal && { byTtl: true }),
  };
}

/** What a record of the table's stream means to the domain (none for a record of no interest). */
export function changesOfStreamRecord(record: DynamoDBRecord): ConversationChange[] {
  const change = itemChangeOfStreamRecord(record);
  return change ? changesOfItem(change) : [];
}
