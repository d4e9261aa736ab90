import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { observability } from '#observability';
import type { BridgeFunction } from './bridge-function.ts';

export interface MonitoringProps {
  httpApi: HttpApi;
  /** Every function of the stack: each has its own throttle alarm. */
  functions: readonly BridgeFunction[];
  sweep: BridgeFunction;
  /** Where stream records that failed delivery go. */
  deadLetterQueue: IQueue;
  /** Where retry-timer messages that failed delivery go. */
  retryDeadLetterQueue: IQueue;
  /** Subscribed to the alarm topic when given. */
  alarmEmail?: string;
}

/** What the sweep publishes (Powertools metrics, EMF): the default `service` dimension included. */
export const outboxMetrics = {
  namespace: observability.metricsNamespace,
  service: observability.serviceName,
} as const;

/**
 * Alarms on what needs a human: events that exhausted their retries, stream records and timer messages
 * that failed, server errors, throttling, and a sweep that stopped working. All of them notify one SNS
 * topic, which only these alarms may publish to.
 */
export class Monitoring extends Construct {
  readonly alarmTopic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.alarmTopic = new Topic(this, 'AlarmTopic', { enforceSSL: true });
    Validations.of(this.alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason: 'Alarm notifications carry alarm names and states only, no customer data.',
    });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));

    const fiveMinutes = { period: Duration.minutes(5) };
    this.alarm('OutboxFailedAlarm', {
      description:
        'Events exhausted their delivery retries and wait in `failed` to be redriven, or the sweep published no metrics (it runs every minute).',
      metric: new Metric({
        namespace: outboxMetrics.namespace,
        metricName: 'OutboxFailed',
        dimensionsMap: { service: outboxMetrics.service },
        statistic: 'Maximum',
        ...fiveMinutes,
      }),
      // The sweep publishes every minute: silence means it is broken, and then nothing is retried.
      missingData: TreatMissingData.BREACHING,
    });
    this.alarm('DeadLetterQueueAlarm', {
      description: 'Stream records failed delivery after their retries; the sweep still retries the events.',
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        statistic: 'Maximum',
        ...fiveMinutes,
      }),
    });
    this.alarm('RetryDeadLetterQueueAlarm', {
      description: 'Retry-timer messages failed delivery several times; the sweep still retries the events.',
      metric: props.retryDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        statistic: 'Maximum',
        ...fiveMinutes,
      }),
    });
    this.alarm('ServerErrorAlarm', {
      description: 'The API answered 5xx: a bug or an outage, never a client mistake.',
      metric: props.httpApi.metricServerError({ statistic: 'Sum', ...fiveMinutes }),
    });
    // One alarm per function: a math expression may sum at most 10 metrics, and the alarm's name
    // then says which function it was. Costs the same as one alarm over all of them (billed per metric).
    for (const fn of props.functions) {
      this.alarm(`${fn.node.id}ThrottleAlarm`, {
        // No function reserves concurrency, so they are throttled only at the account's limit.
        description: `${fn.node.id} was throttled: the account's Lambda concurrency limit was reached.`,
        metric: fn.metricThrottles({ statistic: 'Sum', ...fiveMinutes }),
      });
    }
    this.alarm('SweepErrorAlarm', {
      description: 'The outbox sweep failed: retries stop and the outbox metrics go silent.',
      metric: props.sweep.metricErrors({ statistic: 'Sum', ...fiveMinutes }),
    });

    // `enforceSSL` gives the topic a policy of its own, which replaces the default one that let
    // CloudWatch publish: without this statement no alarm would ever reach anyone.
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowThisStacksAlarms',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          ArnLike: { 'aws:SourceArn': this.alarms.map((alarm) => alarm.alarmArn) },
        },
      }),
    );
  }

  /** An alarm at one or more over one period; quiet when there is no data (no traffic, no failures) unless told. */
  private alarm(
    id: string,
    props: { description: string; metric: IMetric; missingData?: TreatMissingData },
  ): void {
    const alarm = new Alarm(this, id, {
      alarmDescription: props.description,
      metric: props.metric,
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: props.missingData ?? TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
  }
}
