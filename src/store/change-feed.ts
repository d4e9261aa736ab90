import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { ConversationChange } from '#domain/conversations/changes.ts';
import { logger } from '#logger';
import { changesOfItem, type ItemChange } from '#store/changes.ts';
import { keys } from '#store/keys.ts';
import type { Db } from '#store/table.ts';

type Item = Record<string, AttributeValue>;

const eventNames: Record<string, ItemChange['eventName']> = {
  PutItemCommand: 'INSERT',
  UpdateItemCommand: 'MODIFY',
  DeleteItemCommand: 'REMOVE',
};
const conversationPrefix = keys.conversation('').pk;
const middlewareName = 'liveChangeFeed';
/** The conversation itself and its transcript, as the AWS event source filter has it; not leases or idempotency keys. */
const isConversationItem = (sk: string) =>
  sk === keys.conversation('').sk || sk.startsWith(keys.messages('').skPrefix);
/** How many conversations' last destination the feed remembers, to say which queue a move left. */
const rememberedConversations = 10_000;

/**
 * The local runtime's stand-in for the table's stream: SDK middleware on the runtime's own DynamoDB
 * client notes every successful write to a conversation or a transcript entry, and a worker turns the
 * notes into stream-like item changes, in order, a batch at a time (a put carries its item as the new
 * image, an update gets it with one consistent read), decoded as the stream's records are. A META
 * change's old image is the destination the feed saw last, which is all the decoder needs of it.
 * Nothing runs while nothing is written.
 */
export function startChangeFeed(db: Db, consume: (changes: ConversationChange[]) => Promise<unknown>) {
  const queued: ItemChange[] = [];
  const lastDestination = new Map<string, string>();
  let working: Promise<void> | undefined;

  const complete = async (record: ItemChange): Promise<ItemChange> => {
    const newImage =
      record.newImage ??
      (record.eventName === 'MODIFY'
        ? (
            await db.doc.send(
              new GetCommand({ TableName: db.tableName, Key: record.keys, ConsistentRead: true }),
            )
          ).Item
        : undefined);
    if (record.keys.sk !== keys.conversation('').sk || typeof newImage?.destinationId !== 'string') {
      return { ...record, newImage };
    }
    const previous = lastDestination.get(record.keys.pk);
    lastDestination.delete(record.keys.pk);
    lastDestination.set(record.keys.pk, newImage.destinationId);
    if (lastDestination.size > rememberedConversations) {
      lastDestination.delete(lastDestination.keys().next().value as string);
    }
    return {
      ...record,
      newImage,
      oldImage: previous === undefined ? undefined : { destinationId: previous },
    };
  };

  const work = async () => {
    while (queued.length > 0) {
      const batch = queued.splice(0, queued.length);
      try {
        const changes: ConversationChange[] = [];
        for (const record of batch) changes.push(...changesOfItem(await complete(record)));
        if (changes.length > 0) await consume(changes);
      } catch (error) {
        logger.error('live change feed failed', { error: error as Error });
      }
    }
    working = undefined;
  };

  db.client.middlewareStack.add(
    (next, context) => async (args) => {
      const output = await next(args);
      const eventName = eventNames[context.commandName ?? ''];
      const input = args.input as { Item?: Item; Key?: Item };
      const key = input.Key ?? input.Item;
      const pk = key?.pk?.S;
      const sk = key?.sk?.S;
      if (eventName && pk?.startsWith(conversationPrefix) && sk && isConversationItem(sk)) {
        queued.push({ eventName, keys: { pk, sk }, newImage: input.Item && unmarshall(input.Item) });
        working ??= Promise.resolve().then(work);
      }
      return output;
    },
    { step: 'build', name: middlewareName },
  );

  return {
    /** Stops noting writes and waits for what was noted to be consumed. */
    stop: async () => {
      db.client.middlewareStack.remove(middlewareName);
      await working;
    },
  };
}
