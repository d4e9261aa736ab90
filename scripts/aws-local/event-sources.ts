import { randomUUID } from 'node:crypto';
import { matchesAny, type Pattern } from './event-filter.ts';
import type { Role } from './iam.ts';
import type { LocalFunction } from './lambda.ts';
import { account, region } from './template.ts';

/**
 * Lambda's pollers for the local deployment, as its documentation describes them: a DynamoDB stream
 * read shard by shard in order through the Streams API, records that match none of the mapping's
 * filters dropped, batches of up to `BatchSize`, a failed batch retried (split in two first when
 * `BisectBatchOnFunctionError`) until `MaximumRetryAttempts` or `MaximumRecordAgeInSeconds` runs out
 * and then sent to the `OnFailure` destination, and `ReportBatchItemFailures` resuming from the first
 * failed record; an SQS queue read in batches, each message deleted when its invocation succeeds and
 * left for the visibility timeout (and the queue's redrive policy) when it fails.
 */

/** A call to an AWS JSON protocol endpoint (DynamoDB Local, moto), signed with a placeholder key. */
export async function awsJson(
  endpoint: string,
  target: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': target,
      // Moto tells services apart by the credential scope's service name.
      authorization: `AWS4-HMAC-SHA256 Credential=local/20260101/${region}/${target.startsWith('AmazonSQS') ? 'sqs' : 'dynamodb'}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!response.ok) throw new Error(`${target}: ${response.status} ${text.slice(0, 300)}`);
  return parsed;
}

export interface StreamMappingSpec {
  id: string;
  fn: LocalFunction;
  role: Role;
  streamArn: string;
  batchSize: number;
  startingPosition: 'LATEST' | 'TRIM_HORIZON';
  filters: Pattern[];
  bisect: boolean;
  /** -1: until the record expires. */
  maximumRetryAttempts: number;
  maximumRecordAgeSeconds: number;
  reportBatchItemFailures: boolean;
  onFailureQueueUrl?: string;
  onFailureQueueArn?: string;
}

type StreamRecord = Record<string, unknown> & {
  eventName: string;
  dynamodb: Record<string, unknown> & {
    SequenceNumber: string;
    ApproximateCreationDateTime: number;
    Keys: unknown;
  };
};

/** What a mapping did, for tests: records seen, filtered out, handed to the function, sent to failure. */
export interface MappingStats {
  read: number;
  filteredOut: number;
  invocations: number;
  failedInvocations: number;
  discarded: number;
  /** Why the mapping is not polling (a missing grant), or undefined when it is. */
  disabledBecause?: string;
}

export class StreamMapping {
  readonly stats: MappingStats = {
    read: 0,
    filteredOut: 0,
    invocations: 0,
    failedInvocations: 0,
    discarded: 0,
  };
  private readonly shards = new Map<string, { iterator?: string; done: boolean; queue: StreamRecord[] }>();
  private stopped = false;
  private loop?: Promise<void>;
  /** Resolvers waiting until every record read so far has been handled. */
  private idleWaiters: { emptyReads: number; resolve: () => void }[] = [];
  private busy = false;

  constructor(
    readonly spec: StreamMappingSpec,
    private readonly dynamodbEndpoint: string,
    /** Marks the REMOVE records that TTL made (see `Ttl`). */
    private readonly identityOf: (record: StreamRecord) => Record<string, string> | undefined,
    private readonly sendToQueue: (queueUrl: string, body: string) => Promise<void>,
  ) {}

  async start(): Promise<void> {
    // Lambda reads the stream with the function's role: a mapping whose role cannot never gets a record.
    const needs: [string, string][] = [
      ['dynamodb:DescribeStream', this.spec.streamArn],
      ['dynamodb:GetShardIterator', this.spec.streamArn],
      ['dynamodb:GetRecords', this.spec.streamArn],
      ['dynamodb:ListStreams', '*'],
    ];
    const missing = needs.find(([action, resource]) => !this.spec.role.allows(action, resource));
    if (missing) {
      this.stats.disabledBecause = `${this.spec.role.name} may not ${missing[0]} on ${missing[1]}`;
      return;
    }
    await this.discoverShards(true);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  /** Resolves once the mapping has read the stream to its end and handed every matching record over. */
  async settled(): Promise<void> {
    if (this.stats.disabledBecause) return;
    // Two empty reads after the call: the first may have started before the caller's last write.
    await new Promise<void>((resolve) => this.idleWaiters.push({ emptyReads: 0, resolve }));
  }

  private async discoverShards(atStart: boolean): Promise<void> {
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = (await awsJson(
        this.dynamodbEndpoint,
        'DynamoDBStreams_20120810.DescribeStream',
        {
          StreamArn: this.spec.streamArn,
          ...(exclusiveStartShardId && { ExclusiveStartShardId: exclusiveStartShardId }),
        },
      )) as { StreamDescription: { Shards: { ShardId: string }[]; LastEvaluatedShardId?: string } };
      for (const { ShardId } of StreamDescription.Shards) {
        if (this.shards.has(ShardId)) continue;
        // Shards that appear later are read from their start, whatever the starting position.
        const type = atStart ? this.spec.startingPosition : 'TRIM_HORIZON';
        const { ShardIterator } = (await awsJson(
          this.dynamodbEndpoint,
          'DynamoDBStreams_20120810.GetShardIterator',
          {
            StreamArn: this.spec.streamArn,
            ShardId,
            ShardIteratorType: type,
          },
        )) as { ShardIterator?: string };
        this.shards.set(ShardId, { iterator: ShardIterator, done: !ShardIterator, queue: [] });
      }
      exclusiveStartShardId = StreamDescription.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
  }

  private async run(): Promise<void> {
    let sinceDiscovery = 0;
    while (!this.stopped) {
      let readAny = false;
      this.busy = true;
      for (const [shardId, shard] of this.shards) {
        if (shard.done || !shard.iterator) continue;
        const { Records = [], NextShardIterator } = (await awsJson(
          this.dynamodbEndpoint,
          'DynamoDBStreams_20120810.GetRecords',
          { ShardIterator: shard.iterator, Limit: 1000 },
        ).catch(() => ({ Records: [], NextShardIterator: shard.iterator }))) as {
          Records?: StreamRecord[];
          NextShardIterator?: string;
        };
        shard.iterator = NextShardIterator;
        if (!NextShardIterator) shard.done = true;
        if (Records.length) readAny = true;
        for (const waiter of this.idleWaiters) if (Records.length) waiter.emptyReads = 0;
        this.stats.read += Records.length;
        for (const record of Records) {
          const event = this.lambdaRecord(record);
          if (this.spec.filters.length && !matchesAny(this.spec.filters, event)) {
            this.stats.filteredOut += 1;
            continue;
          }
          shard.queue.push(event);
        }
        await this.drain(shardId, shard.queue);
      }
      this.busy = false;
      if (!readAny) {
        for (const waiter of this.idleWaiters) waiter.emptyReads += 1;
        for (const waiter of this.idleWaiters.filter(({ emptyReads }) => emptyReads >= 2)) waiter.resolve();
        this.idleWaiters = this.idleWaiters.filter(({ emptyReads }) => emptyReads < 2);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      sinceDiscovery += 1;
      if (sinceDiscovery >= 10) {
        sinceDiscovery = 0;
        await this.discoverShards(false).catch(() => {});
      }
    }
    for (const { resolve } of this.idleWaiters.splice(0)) resolve();
  }

  /** The record as Lambda hands it over (and as filters see it). */
  private lambdaRecord(record: StreamRecord): StreamRecord {
    const userIdentity = this.identityOf(record);
    const { dynamodb } = record;
    return {
      ...record,
      dynamodb: {
        ...dynamodb,
        ...(dynamodb.NewImage ? { NewImage: repairImage(dynamodb.NewImage as Image) } : {}),
        ...(dynamodb.OldImage ? { OldImage: repairImage(dynamodb.OldImage as Image) } : {}),
      },
      awsRegion: region,
      eventSourceARN: this.spec.streamArn,
      ...(userIdentity && { userIdentity }),
    };
  }

  /** Hands a shard's records over in order, batch by batch, each batch until it succeeds or is given up. */
  private async drain(shardId: string, queue: StreamRecord[]): Promise<void> {
    const attempts = new Map<string, number>();
    while (queue.length && !this.stopped) {
      let batch = queue.slice(0, this.spec.batchSize);
      for (;;) {
        const failedAt = await this.invoke(batch);
        if (failedAt === undefined) {
          queue.splice(0, batch.length);
          break;
        }
        // Records before the first reported failure are done.
        queue.splice(0, failedAt);
        batch = batch.slice(failedAt);
        const first = batch[0] as StreamRecord;
        const sequence = first.dynamodb.SequenceNumber;
        const tries = (attempts.get(sequence) ?? 0) + 1;
        attempts.set(sequence, tries);
        const ageSeconds = Date.now() / 1000 - Number(first.dynamodb.ApproximateCreationDateTime);
        const exhausted = this.spec.maximumRetryAttempts >= 0 && tries > this.spec.maximumRetryAttempts;
        const expired =
          this.spec.maximumRecordAgeSeconds >= 0 && ageSeconds > this.spec.maximumRecordAgeSeconds;
        if (exhausted || expired) {
          // Bisection narrows a failure down to one record before giving up on it.
          const giveUp = this.spec.bisect ? batch.slice(0, 1) : batch;
          await this.discard(
            shardId,
            giveUp,
            exhausted ? 'RetryAttemptsExhausted' : 'RecordAgeExceeded',
            tries,
          );
          queue.splice(0, giveUp.length);
          break;
        }
        if (this.spec.bisect && batch.length > 1) batch = batch.slice(0, Math.ceil(batch.length / 2));
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 100 * 2 ** tries)));
      }
    }
  }

  /** Undefined when the batch succeeded, else the index of the first record to try again. */
  private async invoke(batch: StreamRecord[]): Promise<number | undefined> {
    this.stats.invocations += 1;
    const outcome = await this.spec.fn.invoke({ Records: batch });
    if ('error' in outcome) {
      this.stats.failedInvocations += 1;
      return 0;
    }
    if (!this.spec.reportBatchItemFailures) return undefined;
    const failures = (outcome.result as { batchItemFailures?: { itemIdentifier?: string }[] } | null)
      ?.batchItemFailures;
    if (!failures?.length) return undefined;
    this.stats.failedInvocations += 1;
    const indexes = failures.map(({ itemIdentifier }) =>
      batch.findIndex((record) => record.dynamodb.SequenceNumber === itemIdentifier),
    );
    // An identifier that names no record of the batch fails the whole batch, as in Lambda.
    if (indexes.some((index) => index < 0)) return 0;
    return Math.min(...indexes);
  }

  private async discard(shardId: string, records: StreamRecord[], condition: string, tries: number) {
    this.stats.discarded += records.length;
    if (!this.spec.onFailureQueueUrl) return;
    // Lambda sends with the function's role.
    if (!this.spec.role.allows('sqs:SendMessage', this.spec.onFailureQueueArn ?? '')) return;
    const first = records[0] as StreamRecord;
    const last = records.at(-1) as StreamRecord;
    await this.sendToQueue(
      this.spec.onFailureQueueUrl,
      JSON.stringify({
        requestContext: {
          requestId: randomUUID(),
          functionArn: this.spec.fn.spec.arn,
          condition,
          approximateInvokeCount: tries,
        },
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        version: '1.0',
        timestamp: new Date().toISOString(),
        DDBStreamBatchInfo: {
          shardId,
          startSequenceNumber: first.dynamodb.SequenceNumber,
          endSequenceNumber: last.dynamodb.SequenceNumber,
          approximateArrivalOfFirstRecord: new Date(
            first.dynamodb.ApproximateCreationDateTime * 1000,
          ).toISOString(),
          approximateArrivalOfLastRecord: new Date(
            last.dynamodb.ApproximateCreationDateTime * 1000,
          ).toISOString(),
          batchSize: records.length,
          streamArn: this.spec.streamArn,
        },
      }),
    ).catch(() => {});
  }

  get idle(): boolean {
    return !this.busy;
  }
}

type Image = Record<string, Record<string, unknown>>;

/**
 * DynamoDB Local writes an empty map attribute into stream records as `{}` where DynamoDB writes
 * `{"M": {}}`, which the SDK's `unmarshall` refuses ("No value defined"); put back as DynamoDB sends it.
 * (An empty list would come out the same way; this table stores none.)
 */
function repairImage(image: Image): Image {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, repairValue(value)]));
}

function repairValue(value: Record<string, unknown>): Record<string, unknown> {
  if (Object.keys(value).length === 0) return { M: {} };
  if (value.M) return { M: repairImage(value.M as Image) };
  if (Array.isArray(value.L))
    return { L: value.L.map((item) => repairValue(item as Record<string, unknown>)) };
  return value;
}

export interface QueueMappingSpec {
  id: string;
  fn: LocalFunction;
  role: Role;
  queueUrl: string;
  queueArn: string;
  batchSize: number;
  reportBatchItemFailures: boolean;
}

/** An SQS event source mapping: long-polls the queue, deletes what succeeded, leaves the rest to SQS. */
export class QueueMapping {
  readonly stats: MappingStats = {
    read: 0,
    filteredOut: 0,
    invocations: 0,
    failedInvocations: 0,
    discarded: 0,
  };
  private stopped = false;
  private loop?: Promise<void>;

  constructor(
    readonly spec: QueueMappingSpec,
    private readonly sqsEndpoint: string,
  ) {}

  start(): void {
    const missing = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'].find(
      (action) => !this.spec.role.allows(action, this.spec.queueArn),
    );
    if (missing) {
      this.stats.disabledBecause = `${this.spec.role.name} may not ${missing} on ${this.spec.queueArn}`;
      return;
    }
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const { Messages = [] } = (await awsJson(this.sqsEndpoint, 'AmazonSQS.ReceiveMessage', {
        QueueUrl: this.spec.queueUrl,
        MaxNumberOfMessages: Math.min(10, this.spec.batchSize),
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }).catch(async () => {
        await new Promise((resolve) => setTimeout(resolve, 500));
        return {};
      })) as {
        Messages?: {
          MessageId: string;
          ReceiptHandle: string;
          Body: string;
          MD5OfBody: string;
          Attributes?: Record<string, string>;
        }[];
      };
      if (!Messages.length) continue;
      this.stats.read += Messages.length;
      this.stats.invocations += 1;
      const outcome = await this.spec.fn.invoke({
        Records: Messages.map((message) => ({
          messageId: message.MessageId,
          receiptHandle: message.ReceiptHandle,
          body: message.Body,
          attributes: message.Attributes ?? {},
          messageAttributes: {},
          md5OfBody: message.MD5OfBody,
          eventSource: 'aws:sqs',
          eventSourceARN: this.spec.queueArn,
          awsRegion: region,
        })),
      });
      let failed = new Set<string>(Messages.map((message) => message.MessageId));
      if ('result' in outcome) {
        const failures = this.spec.reportBatchItemFailures
          ? ((outcome.result as { batchItemFailures?: { itemIdentifier: string }[] } | null)
              ?.batchItemFailures ?? [])
          : [];
        failed = new Set(failures.map(({ itemIdentifier }) => itemIdentifier));
      }
      if (failed.size) this.stats.failedInvocations += 1;
      for (const message of Messages) {
        if (failed.has(message.MessageId)) continue;
        await awsJson(this.sqsEndpoint, 'AmazonSQS.DeleteMessage', {
          QueueUrl: this.spec.queueUrl,
          ReceiptHandle: message.ReceiptHandle,
        }).catch(() => {});
      }
    }
  }
}

/** An EventBridge schedule (`rate(...)`) as a timer, invoking its target asynchronously. */
export class Schedule {
  readonly fired: number[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    readonly ruleId: string,
    readonly ruleArn: string,
    readonly expression: string,
    readonly target: LocalFunction,
  ) {}

  start(): void {
    const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(this.expression);
    if (!match) throw new Error(`Schedule ${this.expression} is not supported here`);
    const unit = { minute: 60, minutes: 60, hour: 3600, hours: 3600, day: 86400, days: 86400 }[
      match[2] as string
    ] as number;
    this.timer = setInterval(() => void this.fire(), Number(match[1]) * unit * 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Runs the target now, as the rule would at its next tick. */
  async fire(): Promise<unknown> {
    this.fired.push(Date.now());
    return this.target.invoke({
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account,
      time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      region,
      resources: [this.ruleArn],
      detail: {},
    });
  }
}
