import type { Wired } from '#deps';

/** One DynamoDB request as the SDK sent it. */
export interface CountedRequest {
  command: string;
  /** The partition key the request named (main table key or index key), where it named one. */
  partition?: string;
  index?: string;
  /** Items the request read: Count/ScannedCount of a query, 1 for an item that a GetItem found. */
  itemsRead: number;
}

/**
 * Counts every request the store's DynamoDB client sends, with SDK middleware on the real client:
 * what a use case costs in round trips and in items read, without mocking anything.
 */
export function countRequests(deps: Wired) {
  const requests: CountedRequest[] = [];
  let recording = false;
  deps.db.client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (!recording) return result;
      const input = args.input as Record<string, unknown>;
      const output = result.output as unknown as Record<string, unknown>;
      const values = (input.ExpressionAttributeValues ?? {}) as Record<string, { S?: string }>;
      const key = (input.Key ?? input.Item) as Record<string, { S?: string }> | undefined;
      const partition = key?.pk?.S ?? values[':pk']?.S;
      const command = String(context.commandName).replace(/Command$/, '');
      const itemsRead =
        command === 'Query'
          ? Number(output.ScannedCount ?? output.Count ?? 0)
          : command === 'GetItem' && output.Item
            ? 1
            : 0;
      requests.push({ command, partition, index: input.IndexName as string | undefined, itemsRead });
      return result;
    },
    { step: 'initialize', name: `requestCounter${Math.random()}` },
  );
  return {
    requests,
    /** Counts the requests `work` sends (work running in the background meanwhile is counted too). */
    async during<T>(work: () => Promise<T>): Promise<{ result: T; requests: CountedRequest[] }> {
      requests.length = 0;
      recording = true;
      try {
        const result = await work();
        return { result, requests: [...requests] };
      } finally {
        recording = false;
      }
    },
  };
}
