import { Duration, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BridgeFunction } from './bridge-function.ts';

export interface MonitoringProps {
  httpApi: HttpApi;
  deadLetterQueue: IQueue;
  sweep: BridgeFunction;
  /** Subscribed to the alarm topic when given. */
  alarmEmail?: string;
}

/** What the sweep publishes (Powertools metrics, EMF): the default `service` dimension included. */
export const outboxMetrics = { namespace: 'OperatorBridge', service: 'operator-bridge' } as const;

/**
 * Alarms on what needs a human: events that exhausted their retries, stream records that failed, server
 * errors, throttling, and a sweep that stopped working. All of them notify one SNS topic.
 */
export class Monitoring extends Construct {
  readonly alarmTopic: Topic;

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
      description: 'Events exhausted their delivery retries and wait in `failed` to be redriven.',
      metric: new Metric({
        namespace: outboxMetrics.namespace,
        metricName: 'OutboxFailed',
        dimensionsMap: { service: outboxMetrics.service },
        statistic: 'Maximum',
        ...fiveMinutes,
      }),
    });
    this.alarm('DeadLetterQueueAlarm', {
      description: 'Stream records failed delivery after their retries; the sweep still retries the events.',
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        statistic: 'Maximum',
        ...fiveMinutes,
      }),
    });
    this.alarm('ServerErrorAlarm', {
      description: 'The API answered 5xx: a bug or an outage, never a client mistake.',
      metric: props.httpApi.metricServerError({ statistic: 'Sum', ...fiveMinutes }),
    });
    this.alarm('ThrottleAlarm', {
      // The functions have no reserved concurrency, so they are throttled only at the account's limit.
      description: "Lambda throttled invocations: the account's concurrency limit was reached.",
      metric: LambdaFunction.metricAllThrottles({ statistic: 'Sum', ...fiveMinutes }),
    });
    this.alarm('SweepErrorAlarm', {
      description: 'The outbox sweep failed: retries stop and the outbox metrics go silent.',
      metric: props.sweep.metricErrors({ statistic: 'Sum', ...fiveMinutes }),
    });
  }

  /** An alarm at one or more over one period, quiet when there is no data (no traffic, no failures). */
  private alarm(id: string, props: { description: string; metric: IMetric }): void {
    const alarm = new Alarm(this, id, {
      alarmDescription: props.description,
      metric: props.metric,
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
  }
}
