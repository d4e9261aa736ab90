import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '#domain/errors.ts';
import type { Agent, Channel, Destination } from '#domain/model.ts';
import { fromItem, isConditionFailure, queryPrefix } from '#store/items.ts';
import { keys } from '#store/keys.ts';
import type { Db } from '#store/table.ts';

/** Channels, destinations and agents: few records, each kept in one partition per kind. */

async function getRecord<T>(db: Db, key: { pk: string; sk: string }): Promise<T | undefined> {
  const { Item } = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: true }),
  );
  return fromItem<T>(Item);
}

async function createRecord(db: Db, key: { pk: string; sk: string }, record: object): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: { ...record, ...key },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** Sets some fields of an existing record; NotFoundError (`No {what} {id}`) when it is gone. */
async function updateRecord(
  db: Db,
  key: { pk: string; sk: string },
  changes: Record<string, unknown>,
  what: { kind: string; id: string },
): Promise<void> {
  const entries = Object.entries(changes);
  const set = entries.filter(([, value]) => value !== undefined);
  const remove = entries.filter(([, value]) => value === undefined);
  const clauses = [
    set.length ? `SET ${set.map(([name]) => `#${name} = :${name}`).join(', ')}` : '',
    remove.length ? `REMOVE ${remove.map(([name]) => `#${name}`).join(', ')}` : '',
  ].filter(Boolean);
  try {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: key,
        UpdateExpression: clauses.join(' '),
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: Object.fromEntries(entries.map(([name]) => [`#${name}`, name])),
        ...(set.length && {
          ExpressionAttributeValues: Object.fromEntries(set.map(([name, v]) => [`:${name}`, v])),
        }),
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) {
      throw new NotFoundError(`${what.kind}_not_found`, `No ${what.kind} ${what.id}`);
    }
    throw error;
  }
}

export const channelsStore = {
  get: (db: Db, channelId: string) => getRecord<Channel>(db, keys.channel(channelId)),
  list: (db: Db) => queryPrefix<Channel>(db, keys.channels()),
  create: (db: Db, channel: Channel) => createRecord(db, keys.channel(channel.channelId), channel),
  update: (db: Db, channelId: string, changes: Partial<Omit<Channel, 'channelId'>>) =>
    updateRecord(db, keys.channel(channelId), changes, { kind: 'channel', id: channelId }),
};

export const destinationsStore = {
  get: (db: Db, destinationId: string) => getRecord<Destination>(db, keys.destination(destinationId)),
  list: (db: Db) => queryPrefix<Destination>(db, keys.destinations()),
  create: (db: Db, destination: Destination) =>
    createRecord(db, keys.destination(destination.destinationId), destination),
  update: (db: Db, destinationId: string, changes: Partial<Omit<Destination, 'destinationId'>>) =>
    updateRecord(db, keys.destination(destinationId), changes, { kind: 'destination', id: destinationId }),
  remove: (db: Db, destinationId: string) =>
    db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: keys.destination(destinationId) })),
};

export const agentsStore = {
  get: (db: Db, employeeId: string) => getRecord<Agent>(db, keys.agent(employeeId)),
  list: (db: Db) => queryPrefix<Agent>(db, keys.agents()),
  create: (db: Db, agent: Agent) => createRecord(db, keys.agent(agent.employeeId), agent),
  update: (db: Db, employeeId: string, changes: Partial<Omit<Agent, 'employeeId'>>) =>
    updateRecord(db, keys.agent(employeeId), changes, { kind: 'agent', id: employeeId }),
};
