import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Channel } from '#domain/directory/model.ts';
import { keys } from '#store/keys.ts';
import type { Db } from '#store/table.ts';

/**
 * A channel's agent-platform signing secret, kept in an item of its own under its own partition key
 * (`SECRET#CHANNEL#...`) and not on the channel: every Operator API function reads the channel, and
 * only the delivery functions, which sign with the secret, may read this partition (IAM LeadingKeys).
 */
export const channelSecretsStore = {
  /**
   * The secret to sign the channel's notifications with. A channel set up by an older version still
   * carries it on the channel item, until `channel set-platform` issues a new one here.
   */
  platformSecret: async (db: Db, channel: Channel): Promise<string | undefined> => {
    const { Item } = await db.doc.send(
      new GetCommand({
        TableName: db.tableName,
        Key: keys.channelSecret(channel.channelId),
        ConsistentRead: true,
      }),
    );
    return (Item?.secret as string | undefined) ?? channel.agentPlatformSecret;
  },
  /** Stores a new secret, or removes it when `secret` is undefined. */
  setPlatformSecret: async (db: Db, channelId: string, secret: string | undefined): Promise<void> => {
    const key = keys.channelSecret(channelId);
    if (secret === undefined) await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: key }));
    else await db.doc.send(new PutCommand({ TableName: db.tableName, Item: { ...key, secret } }));
  },
};
