import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Listener, LiveConnection, LivePort, LiveTicket } from '#domain/live/ports.ts';
import { fromItem, isConditionFailure, queryAll } from '#store/items.ts';
import { liveKeys } from '#store/keys.ts';
import type { Db } from '#store/table.ts';

/**
 * The records of live updates, in the same table as everything else, each with a TTL (`expiresAt`,
 * epoch seconds). Reads skip expired ones themselves, since DynamoDB deletes them lazily. Fan-out
 * reads one `LIVE#QUEUE#` partition per destination, and a revoke one `LIVE#AGENT#` partition, with a
 * strongly consistent query on the main index: no index to wait for, no scan.
 */

const epochSeconds = (ms: number) => Math.floor(ms / 1000);

export function dynamoLive(db: Db): LivePort {
  const put = (Item: Record<string, unknown>) =>
    db.doc.send(new PutCommand({ TableName: db.tableName, Item }));
  const remove = (Key: { pk: string; sk: string }) =>
    db.doc.send(new DeleteCommand({ TableName: db.tableName, Key }));

  const getConnection = async (connectionId: string) => {
    const { Item } = await db.doc.send(
      new GetCommand({
        TableName: db.tableName,
        Key: liveKeys.connection(connectionId),
        ConsistentRead: true,
      }),
    );
    const connection = fromItem<LiveConnection>(Item);
    // fromItem drops `expiresAt` with the key attributes; the record needs it back.
    return connection && Item ? { ...connection, expiresAt: Item.expiresAt as number } : undefined;
  };

  return {
    async putTicket(ticketHash, ticket, validUntilMs) {
      await put({
        ...liveKeys.ticket(ticketHash),
        employeeId: ticket.employeeId,
        credentialVersion: ticket.credentialVersion,
        validUntil: validUntilMs,
        expiresAt: epochSeconds(validUntilMs) + 1,
      });
    },

    async takeTicket(ticketHash, nowMs): Promise<LiveTicket | undefined> {
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
        if (!Attributes) return undefined;
        return {
          employeeId: Attributes.employeeId as string,
          credentialVersion: (Attributes.credentialVersion as number | undefined) ?? 0,
        };
      } catch (error) {
        if (isConditionFailure(error)) return undefined;
        throw error;
      }
    },

    // The connection record first, so that a `$disconnect` racing the `$connect` still finds what to delete.
    async putConnection(connection) {
      const { connectionId, employeeId, credentialVersion, expiresAt } = connection;
      await put({ ...connection, ...liveKeys.connection(connectionId) });
      const entry = { connectionId, employeeId, credentialVersion, expiresAt };
      await Promise.all([
        put({ ...liveKeys.agentConnection(employeeId, connectionId), ...entry }),
        ...connection.queues.map((queue) => put({ ...liveKeys.listener(queue, connectionId), ...entry })),
      ]);
    },

    getConnection,

    async deleteConnection(connectionId) {
      const connection = await getConnection(connectionId);
      if (!connection) return;
      await Promise.all([
        remove(liveKeys.agentConnection(connection.employeeId, connectionId)),
        ...connection.queues.map((queue) => remove(liveKeys.listener(queue, connectionId))),
      ]);
      await remove(liveKeys.connection(connectionId));
    },

    async listeners(queue, nowMs): Promise<Listener[]> {
      const { pk, skPrefix } = liveKeys.listeners(queue);
      const items = await queryAll(db, {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: 'expiresAt > :now',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix, ':now': epochSeconds(nowMs) },
        ProjectionExpression: 'connectionId, employeeId, credentialVersion',
        ConsistentRead: true,
      });
      return items.map((item) => ({
        connectionId: item.connectionId as string,
        employeeId: item.employeeId as string,
        credentialVersion: (item.credentialVersion as number | undefined) ?? 0,
      }));
    },

    async connectionsOf(employeeId) {
      const { pk, skPrefix } = liveKeys.agentConnections(employeeId);
      const items = await queryAll(db, {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
        ProjectionExpression: 'connectionId',
        ConsistentRead: true,
      });
      const connections = await Promise.all(items.map((item) => getConnection(item.connectionId as string)));
      return connections.filter((connection): connection is LiveConnection => connection !== undefined);
    },
  };
}
