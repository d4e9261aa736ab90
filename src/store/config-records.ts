import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Agent, CannedReply, Channel, Destination } from '#domain/directory/model.ts';
import type { DirectoryPort, IdHolder, RecordsPort } from '#domain/directory/ports.ts';
import { channelSecretsStore } from '#store/channel-secrets.ts';
import { Expression } from '#store/expression.ts';
import { fromItem, landed, queryPrefix } from '#store/items.ts';
import { keys } from '#store/keys.ts';
import type { Db } from '#store/table.ts';

/** Channels, destinations, agents and canned replies: few records, each kept in one partition per kind. */

type Key = { pk: string; sk: string };

async function getRecord<T>(db: Db, key: Key): Promise<T | undefined> {
  const { Item } = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: true }),
  );
  return fromItem<T>(Item);
}

function createRecord(db: Db, key: Key, record: object): Promise<boolean> {
  return landed(
    db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...record, ...key },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
}

/** Sets some fields of an existing record (`undefined` removes one); false when it is gone. */
function updateRecord(db: Db, key: Key, changes: Record<string, unknown>): Promise<boolean> {
  const expression = new Expression().assign(changes);
  if (expression.isEmpty) return getRecord(db, key).then((record) => record !== undefined);
  return landed(
    db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: key,
        ConditionExpression: 'attribute_exists(pk)',
        ...expression.params(),
      }),
    ),
  );
}

function records<T extends object, Id extends keyof T & string>(
  db: Db,
  id: Id,
  keyOf: (id: string) => Key,
  all: { pk: string; skPrefix: string },
): RecordsPort<T, Id> {
  return {
    get: (recordId) => getRecord<T>(db, keyOf(recordId)),
    list: () => queryPrefix<T>(db, all),
    create: (record) => createRecord(db, keyOf(String(record[id])), record),
    update: (recordId, changes) => updateRecord(db, keyOf(recordId), changes),
  };
}

export function dynamoDirectory(db: Db): DirectoryPort {
  const idHolder = (id: string) => getRecord<IdHolder>(db, keys.reservedId(id));
  return {
    channels: records<Channel, 'channelId'>(db, 'channelId', keys.channel, keys.channels()),
    channelSecrets: {
      platformSecret: (channel) => channelSecretsStore.platformSecret(db, channel),
      setPlatformSecret: (channelId, secret) => channelSecretsStore.setPlatformSecret(db, channelId, secret),
    },
    destinations: {
      ...records<Destination, 'destinationId'>(db, 'destinationId', keys.destination, keys.destinations()),
      async remove(destinationId, at) {
        // The mark first: a crash before the delete leaves the id reserved and the remove to be repeated.
        await db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: keys.reservedId(destinationId),
            UpdateExpression:
              'SET #kind = :kind, removedAt = :at, reservedAt = if_not_exists(reservedAt, :at)',
            ExpressionAttributeNames: { '#kind': 'kind' },
            ExpressionAttributeValues: { ':kind': 'destination', ':at': at },
          }),
        );
        await db.doc.send(
          new DeleteCommand({ TableName: db.tableName, Key: keys.destination(destinationId) }),
        );
      },
    },
    agents: records<Agent, 'employeeId'>(db, 'employeeId', keys.agent, keys.agents()),
    cannedReplies: {
      list: (destinationId) => queryPrefix<CannedReply>(db, keys.cannedReplies(destinationId)),
      create: (reply) => createRecord(db, keys.cannedReply(reply.destinationId, reply.shortcut), reply),
      async remove(replyId) {
        const all = await queryPrefix<CannedReply>(db, keys.cannedReplies());
        const reply = all.find((candidate) => candidate.replyId === replyId);
        if (!reply) return false;
        return landed(
          db.doc.send(
            new DeleteCommand({
              TableName: db.tableName,
              Key: keys.cannedReply(reply.destinationId, reply.shortcut),
              ConditionExpression: 'replyId = :replyId',
              ExpressionAttributeValues: { ':replyId': replyId },
            }),
          ),
        );
      },
    },
    async reserveId(id, kind, at) {
      const holder: IdHolder = { kind, reservedAt: at };
      const reserved = await createRecord(db, keys.reservedId(id), holder);
      return reserved ? holder : ((await idHolder(id)) ?? holder);
    },
    idHolder,
  };
}
