import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deliveryFunctions } from '#routes';
import { BridgeFunction, grantTableAccess } from './bridge-function.ts';

export interface DeliveryProps {
  table: ITable;
  environment: Record<string, string>;
}

/**
 * Delivery of outbox entries to webhooks, driven two ways: the table's stream for each entry that became
 * pending (fast path), and a sweep every minute for due retries and anything the stream missed. The
 * outbox state lives in the table, so a record that exhausts the stream's retries is not lost: it lands
 * in the dead-letter queue for an alarm, and the sweep still delivers it.
 */
export class Delivery extends Construct {
  readonly fromStream: BridgeFunction;
  readonly sweep: BridgeFunction;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: DeliveryProps) {
    super(scope, id);
    const { fromStream, sweep } = deliveryFunctions;

    this.deadLetterQueue = new Queue(this, 'StreamDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the stream mapping.',
    });

    this.fromStream = new BridgeFunction(this, fromStream.name, {
      entry: fromStream.entry,
      description: 'Delivers outbox entries that became pending, from the table stream',
      environment: props.environment,
      // A batch may hold several conversations, each waiting on its webhook (10 s per attempt by default).
      timeout: Duration.seconds(60),
    });
    grantTableAccess(props.table, this.fromStream, fromStream.table);
    this.fromStream.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 10,
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.or('INSERT', 'MODIFY'),
            dynamodb: { NewImage: { gsi1pk: { S: FilterRule.isEqual('OUTBOX#PENDING') } } },
          }),
        ],
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

    this.sweep = new BridgeFunction(this, sweep.name, {
      entry: sweep.entry,
      description: 'Delivers due retries and anything the stream missed; publishes outbox metrics',
      environment: props.environment,
      // Under the one-minute period, so that sweeps do not pile up.
      timeout: Duration.seconds(55),
    });
    grantTableAccess(props.table, this.sweep, sweep.table);
    new Rule(this, 'SweepSchedule', {
      description: 'Runs the outbox sweep every minute',
      schedule: Schedule.rate(Duration.minutes(1)),
      // A failed sweep is not retried: the next one, a minute later, does the same work.
      targets: [new LambdaFunction(this.sweep, { retryAttempts: 0 })],
    });
  }
}
