import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, RecursiveLoop, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deliveryFunctions } from '#api/routes.ts';
import { sortKeys } from '#store/keys.ts';
import { tableDefinition } from '#store/table.ts';
import { BridgeFunction, grantTableAccess } from './bridge-function.ts';

export interface DeliveryProps {
  table: ITable;
  environment: Record<string, string>;
}

/**
 * The stream records that wake `DeliverFromStream`: new work only. A retry or a delivery result is a
 * MODIFY of an outbox entry and matches none of them, so the engine's own writes never re-trigger it.
 */
export const streamFilters = [
  // A new outbox entry: an event to deliver. (Exists matches leaves only, hence `status` inside the map.)
  FilterCriteria.filter({
    eventName: FilterRule.isEqual('INSERT'),
    dynamodb: { NewImage: { delivery: { M: { status: { S: FilterRule.exists() } } } } },
  }),
  // A wake-up item the engine writes for a redrive or a `setWebhook`; written again, it is a MODIFY.
  FilterCriteria.filter({
    eventName: FilterRule.or('INSERT', 'MODIFY'),
    dynamodb: { Keys: { [tableDefinition.sortKey]: { S: FilterRule.beginsWith(sortKeys.wakeUpPrefix) } } },
  }),
  // A conversation that TTL expired: the function deletes what remains of it.
  FilterCriteria.filter({
    eventName: FilterRule.isEqual('REMOVE'),
    userIdentity: {
      type: FilterRule.isEqual('Service'),
      principalId: FilterRule.isEqual('dynamodb.amazonaws.com'),
    },
    dynamodb: { Keys: { [tableDefinition.sortKey]: { S: FilterRule.isEqual(sortKeys.conversation) } } },
  }),
];

/**
 * Delivery of outbox entries to webhooks, driven three ways: the table's stream for new work (fast
 * path), a delay queue for retries due sooner than the next sweep, and a sweep every minute for due
 * retries and anything the other two missed. The outbox state lives in the table, so a stream record
 * or a queue message that exhausts its retries is not lost: it lands in the dead-letter queue for an
 * alarm, and the sweep still delivers the event.
 */
export class Delivery extends Construct {
  readonly fromStream: BridgeFunction;
  readonly onTimer: BridgeFunction;
  readonly sweep: BridgeFunction;
  /**
   * One dead-letter queue for every background trigger, so that one alarm metric watches them all
   * (CloudWatch bills per metric). Each kind of message names its source:
   * - a stream batch `DeliverFromStream` or `NotifyFromStream` gave up on (retries or record age
   *   exhausted): Lambda's invocation record, whose `requestContext.functionArn` names the function
   *   and `DDBStreamBatchInfo` the shard and sequence numbers;
   * - a sweep that failed, timed out or was throttled past its one-minute event age: Lambda's
   *   invocation record, `requestContext.functionArn` the sweep's, `requestContext.condition` why;
   * - a schedule EventBridge could not invoke the sweep for: message attributes `RULE_ARN`,
   *   `TARGET_ARN` and `ERROR_CODE`;
   * - a retry-timer message `DeliverOnTimer` failed three times: the message itself, whose
   *   `DeadLetterQueueSourceArn` (an SQS system attribute) is the retry queue.
   */
  readonly deadLetterQueue: Queue;
  /** The retry timer: `{"conversationId"}` messages sent with `DelaySeconds` (at most 900). */
  readonly retryQueue: Queue;

  constructor(scope: Construct, id: string, props: DeliveryProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of every background trigger.',
    });

    const functionTimeout = Duration.seconds(60);
    this.retryQueue = new Queue(this, 'RetryQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's guidance for a queue that triggers a function: at least six times the function's timeout.
      visibilityTimeout: Duration.seconds(functionTimeout.toSeconds() * 6),
      // A late message is harmless and an old one useless: the sweep has delivered its retry by then.
      retentionPeriod: Duration.days(1),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 3 },
    });

    const { fromStream, timer, sweep } = deliveryFunctions;
    this.fromStream = this.deliveryFunction(fromStream, props, {
      description:
        'Delivers new outbox entries and wake-ups from the table stream; cleans up expired conversations',
      // A batch holds several conversations, each within its own budget (two attempts' timeouts and a margin).
      timeout: functionTimeout,
    });
    this.fromStream.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 10,
        filters: streamFilters,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        // Bounded: the sweep retries from the table, so the stream need not hold on to a record for long.
        retryAttempts: 3,
        maxRecordAge: Duration.hours(1),
        onFailure: new SqsDlq(this.deadLetterQueue),
      }),
    );
    Validations.of(this.fromStream.role ?? this.fromStream).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'dynamodb:ListStreams, added by the stream mapping, cannot be scoped to a resource.',
    });

    this.onTimer = this.deliveryFunction(timer, props, {
      description: 'Delivers retries that are due sooner than the next sweep, from the retry queue',
      timeout: functionTimeout,
      // It sends the next retry to the queue that invokes it: a loop by design, which Lambda would cut.
      recursiveLoop: RecursiveLoop.ALLOW,
    });
    this.onTimer.addEventSource(
      new SqsEventSource(this.retryQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        // At most 100 conversations at once: a burst of due retries waits a little rather than flooding webhooks.
        maxConcurrency: 10,
      }),
    );

    this.sweep = this.deliveryFunction(sweep, props, {
      description: 'Delivers due retries and anything the stream missed; publishes outbox metrics',
      // Under the one-minute period, so that sweeps do not pile up.
      timeout: Duration.seconds(55),
    });
    // Neither EventBridge nor Lambda's own asynchronous retries: a failed or timed-out sweep would
    // otherwise run again beside the next scheduled one. The next sweep, a minute later, does the same
    // work; the failed one is recorded in the dead-letter queue, for the alarm.
    this.sweep.configureAsyncInvoke({
      retryAttempts: 0,
      maxEventAge: Duration.minutes(1),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });
    new Rule(this, 'SweepSchedule', {
      description: 'Runs the outbox sweep every minute',
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(this.sweep, { retryAttempts: 0, deadLetterQueue: this.deadLetterQueue })],
    });
  }

  /** The three delivery functions. */
  get functions(): BridgeFunction[] {
    return [this.fromStream, this.onTimer, this.sweep];
  }

  /** A delivery function: table access as the route table says, and the retry queue to send to. */
  private deliveryFunction(
    definition: (typeof deliveryFunctions)[keyof typeof deliveryFunctions],
    props: DeliveryProps,
    options: { description: string; timeout: Duration; recursiveLoop?: RecursiveLoop },
  ): BridgeFunction {
    const fn = new BridgeFunction(this, definition.name, {
      entry: definition.entry,
      environment: { ...props.environment, RETRY_QUEUE_URL: this.retryQueue.queueUrl },
      ...options,
    });
    grantTableAccess(props.table, fn, definition.table);
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.retryQueue.queueArn] }),
    );
    return fn;
  }
}
