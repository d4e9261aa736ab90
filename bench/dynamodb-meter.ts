import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

/** One request as the client sent it: the low-level command and its (marshalled) input. */
export interface SentRequest {
  commandName: string;
  input: Record<string, unknown>;
  /** Items it read: 1 for a GetItem, `ScannedCount` for a Query. */
  itemsRead?: number;
  /** When it was sent and answered (`performance.now()`): requests that overlapped ran concurrently. */
  sentAt: number;
  answeredAt?: number;
}

/**
 * Counts what a DynamoDB client sends, with a middleware on the client itself, so it sees every
 * request of the code under test whatever layer issued it (the document client included):
 * requests, reads and writes, and items read, counted as 1 per GetItem and `ScannedCount` per Query or
 * Scan (what DynamoDB bills for; dynalite returns no ConsumedCapacity). It can also record the
 * requests of a window, to issue them again bare: the floor of the same work.
 */
export function meterDynamoDb(client: DynamoDBClient) {
  const counts = { requests: 0, reads: 0, writes: 0, itemsRead: 0 };
  let recording: SentRequest[] | undefined;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const commandName = context.commandName ?? 'unknown';
      counts.requests++;
      if (/^(Get|Query|Scan|BatchGet)/.test(commandName)) counts.reads++;
      if (/^(Put|Update|Delete|BatchWrite)/.test(commandName)) counts.writes++;
      const sent: SentRequest = {
        commandName,
        input: structuredClone(args.input as Record<string, unknown>),
        sentAt: performance.now(),
      };
      recording?.push(sent);
      const result = await next(args);
      sent.answeredAt = performance.now();
      const output = result.output as { ScannedCount?: number };
      sent.itemsRead = commandName === 'GetItemCommand' ? 1 : (output.ScannedCount ?? 0);
      counts.itemsRead += sent.itemsRead;
      return result;
    },
    { step: 'serialize', priority: 'high', name: 'benchDynamoDbMeter' },
  );
  return {
    counts,
    snapshot: () => ({ ...counts }),
    /** The requests `work` made, in order. */
    async record(work: () => Promise<unknown>): Promise<SentRequest[]> {
      const requests: SentRequest[] = [];
      recording = requests;
      try {
        await work();
      } finally {
        recording = undefined;
      }
      return requests;
    },
  };
}

/** The document client's command for each low-level one: the store sends everything through it. */
const documentCommands = {
  BatchGetItemCommand: BatchGetCommand,
  GetItemCommand: GetCommand,
  PutItemCommand: PutCommand,
  UpdateItemCommand: UpdateCommand,
  DeleteItemCommand: DeleteCommand,
  QueryCommand,
} as const;

/** Recorded requests in waves: a request sent before the previous ones were all answered joins their wave. */
function waves(requests: SentRequest[]): SentRequest[][] {
  const result: SentRequest[][] = [];
  let answeredBy = Number.NEGATIVE_INFINITY;
  for (const request of requests) {
    const current = result.at(-1);
    if (current && request.sentAt < answeredBy) current.push(request);
    else result.push([request]);
    answeredBy = Math.max(answeredBy, request.answeredAt ?? request.sentAt);
  }
  return result;
}

/**
 * Sends recorded requests again through the same document client as bare commands, wave after
 * wave as they were sent (concurrent ones concurrently): what the same DynamoDB work costs with
 * nothing of ours around it. A conditional write that now fails still made its round trip, so its
 * error is part of the floor, not a failure.
 */
export async function replay(
  doc: DynamoDBDocumentClient,
  requests: SentRequest[],
  /** Another table to send them to, so that replayed writes (a counter taken again) leave the real data alone. */
  tableName?: string,
): Promise<void> {
  for (const wave of waves(requests)) {
    await Promise.all(
      wave.map(async ({ commandName, input }) => {
        const Command = documentCommands[commandName as keyof typeof documentCommands];
        if (!Command) throw new Error(`cannot replay ${commandName}`);
        try {
          // The recorded input is what the document client took for this very command.
          const sent = tableName ? toTable(input, tableName) : input;
          await doc.send(new Command(sent as never) as GetCommand);
        } catch (error) {
          if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        }
      }),
    );
  }
}

/** The same request against another table (a batch names its table as the key of its request items). */
function toTable(input: Record<string, unknown>, tableName: string): Record<string, unknown> {
  const batch = input.RequestItems as Record<string, unknown> | undefined;
  if (!batch) return { ...input, TableName: tableName };
  return { ...input, RequestItems: { [tableName]: Object.values(batch)[0] } };
}

/** How many round trips one after the other the recorded requests took. */
export const roundTrips = (requests: SentRequest[]) => waves(requests).length;
