import { type NativeAttributeValue, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#store/table.ts';

type Item = Record<string, NativeAttributeValue>;

const keyAttributes = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'expiresAt']);

/** The record without the table's key attributes. */
export function fromItem<T>(item: Item | undefined): T | undefined {
  if (!item) return undefined;
  return Object.fromEntries(Object.entries(item).filter(([name]) => !keyAttributes.has(name))) as T;
}

/** Runs a query to the end, page by page. */
export async function queryAll(db: Db, input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
  const items: Item[] = [];
  let ExclusiveStartKey: Item | undefined;
  do {
    const page = await db.doc.send(
      new QueryCommand({ ...input, TableName: db.tableName, ExclusiveStartKey }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** All records under one partition whose sort key starts with a prefix. */
export async function queryPrefix<T>(db: Db, key: { pk: string; skPrefix: string }): Promise<T[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': key.pk, ':prefix': key.skPrefix },
    ConsistentRead: true,
  });
  return items.map((item) => fromItem<T>(item) as T);
}

export function isConditionFailure(error: unknown): boolean {
  return (error as Error)?.name === 'ConditionalCheckFailedException';
}

/** A conditional write: true when it landed, false when its condition refused it; other errors are thrown. */
export async function landed(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * The TTL attribute for a conversation item written at `at` (ISO): epoch seconds, as DynamoDB TTL
 * wants them, or nothing when data is kept. Every write renews it, so an active conversation stays.
 */
export function expiry(db: Db, at: string): { expiresAt?: number } {
  if (db.retentionDays <= 0) return {};
  return { expiresAt: Math.floor(Date.parse(at) / 1000) + Math.round(db.retentionDays * 86_400) };
}
