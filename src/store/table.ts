import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '#config';
import { indexNames } from '#store/keys.ts';

/** The table and the client that reaches it; built once per process. */
export interface Db {
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** Conversation items expire (DynamoDB TTL) this many days after their last write; 0 keeps them. */
  retentionDays: number;
}

/** Key schema of the one table, shared by the CDK stack and the local runtime. */
export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  // Indexes only find work and list conversations: each carries what its queries read (INCLUDE), so a
  // write copies into an index only when one of those changes, and never the pre-chat data or the intent.
  indexes: [
    {
      name: indexNames.byState,
      partitionKey: 'gsi1pk',
      sortKey: 'gsi1sk',
      include: ['conversationId', 'seq'],
    },
    {
      name: indexNames.byQueue,
      partitionKey: 'gsi2pk',
      sortKey: 'gsi2sk',
      include: [
        'conversationId',
        'channelId',
        'userId',
        'userName',
        'destinationId',
        'status',
        'assignee',
        'createdAt',
        'lastMessageAt',
        'closedAt',
      ],
    },
  ],
} as const;

export function createDb(
  config: Pick<Config, 'TABLE_NAME' | 'DYNAMODB_ENDPOINT' | 'AWS_REGION' | 'RETENTION_DAYS'>,
): Db {
  const local = config.DYNAMODB_ENDPOINT !== undefined;
  const client = new DynamoDBClient({
    region: config.AWS_REGION,
    ...(local && {
      endpoint: config.DYNAMODB_ENDPOINT,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  });
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { client, doc, tableName: config.TABLE_NAME, retentionDays: config.RETENTION_DAYS };
}

/** Creates the table where it does not exist yet (local runtime, tests); in AWS the CDK stack owns it. */
export async function ensureTable(db: Db): Promise<void> {
  const { client } = db;
  try {
    await client.send(new DescribeTableCommand({ TableName: db.tableName }));
    return;
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  }
  const { partitionKey, sortKey, indexes } = tableDefinition;
  const attributes = [
    partitionKey,
    sortKey,
    ...indexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  await client.send(
    new CreateTableCommand({
      TableName: db.tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: attributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: partitionKey, KeyType: 'HASH' },
        { AttributeName: sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.include] },
      })),
    }),
  );
  await waitUntilTableExists(
    { client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 },
    { TableName: db.tableName },
  );
}
