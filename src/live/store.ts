import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '#store/items.ts';
import { liveKeys } from '#store/keys.ts';
import type { Db } from '#store/table.ts';

/**
 * The records of live updates, in the same table as everything else, each with a TTL (`expiresAt`,
 * epoch seconds). Reads skip expired ones themselves, since DynamoDB deletes them lazily.
 *
 * (their keys: `liveKeys` in `#store/keys.ts`).
 * Fan-out reads one `LIVE#QUEUE#` partition per destination, with a strongly consistent query on the
 * main index: no index to wait for, no scan.
 */

export interface LiveConnection {
  connectionId: string;
  employeeId: string;
  /** The queues whose conversations this connection hears about: the agent's groups and its own queue. */
  queues: string[];
  connectedAt: string;
  /** Epoch seconds: the record's TTL. */
  expiresAt: number;
}

const epochSeconds = (ms: number) => Math.floor(ms / 1000);

export async function putTicket(db: Db, ticketHash: string, employeeId: string, validUntilMs: number) {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: {
        ...liveKeys.ticket(ticketHash),
        employeeId,
        validUntil: validUntilMs,
        expiresAt: epochSeconds(validUntilMs) + 1,
      },
    }),
  );
}

/**
 * Takes a ticket out of the table and returns whose it was: a conditional delete, so of two
 * redeemers only one gets it, and an expired ticket is refused even before TTL removes it.
 */
export async function takeTicket(db: Db, ticketHash: string, nowMs: number): Promise<string | undefined> {
  try {
    const { Attributes } = await db.doc.send(
      new DeleteCommand({
        TableName: db.tableName,
        Key: liveKeys.ticket(ticketHash),
        ConditionExpression: 'attribute_exists(pk) AND validUntil > :now',
        ExpressionAttributeValues: { ':now': nowMs },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return Attributes?.employeeId as string | undefined;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

/** The connection record first, so that a `$disconnect` racing the `$connect` still finds what to delete. */
export async function putConnection(db: Db, connection: LiveConnection) {
  const { connectionId, employeeId, expiresAt } = connection;
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: { ...connection, ...liveKeys.connection(connectionId) },
    }),
  );
  await Promise.all(
    connection.queues.map((queue) =>
      db.doc.send(
        new PutCommand({
          TableName: db.tableName,
          Item: { ...liveKeys.listener(queue, connectionId), connectionId, employeeId, expiresAt },
        }),
      ),
    ),
  );
}

export async function getConnection(db: Db, connectionId: string): Promise<LiveConnection | undefined> {
  const { Item } = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: liveKeys.connection(connectionId), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, ...connection } = Item;
  return connection as LiveConnection;
}

/** Forgets a connection: its queue entries, then its record. Nothing to do for one already gone. */
export async function deleteConnection(db: Db, connectionId: string): Promise<void> {
  const connection = await getConnection(db, connectionId);
  if (!connection) return;
  await Promise.all(
    connection.queues.map((queue) =>
      db.doc.send(
        new DeleteCommand({ TableName: db.tableName, Key: liveKeys.listener(queue, connectionId) }),
      ),
    ),
  );
  await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: liveKeys.connection(connectionId) }));
}

/** The unexpired connections that listen to a queue. */
export async function listListeners(
  db: Db,
  queue: string,
  nowMs: number,
): Promise<{ connectionId: string; employeeId: string }[]> {
  const { pk, skPrefix } = liveKeys.listeners(queue);
  const listeners: { connectionId: string; employeeId: string }[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: 'expiresAt > :now',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix, ':now': epochSeconds(nowMs) },
        ProjectionExpression: 'connectionId, employeeId',
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) {
      listeners.push({ connectionId: item.connectionId as string, employeeId: item.employeeId as string });
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return listeners;
}
