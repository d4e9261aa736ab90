import type { Wired as Deps } from '#deps';

/** What a request names: its command (`UpdateItem`, `PutItem`, `Query`, ...) and the sort key it writes, if any. */
export interface RequestView {
  command: string;
  sk?: string;
  input: Record<string, unknown>;
}

/**
 * Faults on the real DynamoDB client, as SDK middleware inside the SDK's retry loop.
 *
 * `landThenFail`: the next request that `matches` is sent and lands, then the caller sees a throttling
 * error, so the SDK sends the same request again (DynamoDB answering an error for a write that had
 * landed). `capLimit`: every Query is sent with `Limit` at most `limit`, so the store cuts pages short
 * the way DynamoDB does at 1 MB.
 */
export function storeFaults(deps: Deps) {
  let landing: ((request: RequestView) => boolean) | undefined;
  let cap: number | undefined;
  const landed: RequestView[] = [];
  deps.db.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'QueryCommand' && cap !== undefined) {
        const input = args.input as Record<string, unknown>;
        return next({ ...args, input: { ...input, Limit: Math.min(Number(input.Limit ?? cap), cap) } });
      }
      return next(args);
    },
    { step: 'initialize', name: `storeFaultsCap${Math.random()}` },
  );
  deps.db.client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      const command = String(context.commandName).replace(/Command$/, '');
      const key = (input.Key ?? input.Item) as Record<string, { S?: string }> | undefined;
      const request = { command, sk: key?.sk?.S, input };
      const result = await next(args);
      if (landing?.(request)) {
        landing = undefined;
        landed.push(request);
        throw Object.assign(new Error('Throughput exceeded after the write landed'), {
          name: 'ThrottlingException',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return result;
    },
    { step: 'deserialize', name: `storeFaults${Math.random()}` },
  );
  return {
    landed,
    landThenFail(matches: (request: RequestView) => boolean) {
      landing = matches;
    },
    capQueryLimit(limit: number | undefined) {
      cap = limit;
    },
  };
}
