import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { HttpApi, WebSocketApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
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
  webSocketApi: WebSocketApi;
  /** The table stream's reader that delivers (the notifier's lag shows in the dead-letter queue). */
  deliveryStreamReader: BridgeFunction;
  /** The function a schedule runs every minute (the sweep): watched for not running at all. */
  scheduledFunction: BridgeFunction;
  /** Where every background trigger records what it gave up on (`Delivery.deadLetterQueue`). */
  deadLetterQueue: IQueue;
  /** Subscribed to the alarm topic when given. */
  alarmEmail?: string;
}

/** What the sweep publishes (`publishCount`, EMF): with the `service` dimension. */
const outboxMetrics = {
  namespace: observability.metricsNamespace,
  service: observability.serviceName,
} as const;

/** A stream reader this far behind the table (IteratorAge) is stuck, throttled or failing. */
export const streamLagThreshold = Duration.minutes(1);

/**
 * Alarms on what needs a human, all notifying one SNS topic that only these alarms may publish to.
 * CloudWatch bills each metric an alarm reads (metric math included), so each failure mode is
 * watched through the widest metric that shows it: the APIs' server errors stand for the errors,
 * timeouts and throttling of every function behind them, and one dead-letter queue for those of
 * every background trigger (stream, retry queue, schedule). Six metrics in all; docs/benchmarks.md prices them.
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
        'Events exhausted their delivery retries and wait in `failed` to be redriven (the sweep publishes the count only when it is not zero).',
      metric: new Metric({
        namespace: outboxMetrics.namespace,
        metricName: 'OutboxFailed',
        dimensionsMap: { service: outboxMetrics.service },
        statistic: 'Maximum',
        ...fiveMinutes,
      }),
    });
    this.alarm('DeadLetterAlarm', {
      description:
        'A background trigger gave up: a stream batch DeliverFromStream or NotifyFromStream failed or fell a minute (NotifyFromStream) or an hour behind, a retry-timer message DeliverOnTimer failed three times, or a sweep failed, timed out or could not be invoked. Each message names its source (lib/delivery.ts); the sweep still delivers the events.',
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        statistic: 'Maximum',
        ...fiveMinutes,
      }),
    });
    this.alarm('ServerErrorAlarm', {
      description:
        'The HTTP API answered 5xx, or the WebSocket API could not run $connect or $disconnect: an error, a timeout or throttling of a function behind them, never a client mistake.',
      metric: sum('Server errors of the two APIs', [
        props.httpApi.metricServerError({ statistic: 'Sum', ...fiveMinutes }),
        props.webSocketApi.metric('ExecutionError', { statistic: 'Sum', ...fiveMinutes }),
      ]),
    });
    const reader = props.deliveryStreamReader;
    this.alarm('StreamLagAlarm', {
      description: `${reader.node.id} is ${streamLagThreshold.toMinutes()} minute or more behind the table's stream: failing, throttled or stuck (new events wait for the sweep).`,
      metric: reader.metric('IteratorAge', { statistic: 'Maximum', ...fiveMinutes }),
      threshold: streamLagThreshold.toMilliseconds(),
    });
    const scheduled = props.scheduledFunction;
    this.alarm('SweepStoppedAlarm', {
      description: `${scheduled.node.id} was not invoked in two 5-minute periods in a row (it runs every minute): due retries wait and nothing counts failed events.`,
      metric: scheduled.metricInvocations({ statistic: 'Sum', ...fiveMinutes }),
      comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
      // Two periods: Lambda's metrics arrive a minute or two late, so the period under way may have none yet.
      periods: 2,
      // No data is no invocation.
      missingData: TreatMissingData.BREACHING,
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

  /**
   * An alarm at `threshold` (one by default) or more over one period; quiet without data (no traffic,
   * no failures) unless told.
   */
  private alarm(
    id: string,
    props: {
      description: string;
      metric: IMetric;
      threshold?: number;
      comparison?: ComparisonOperator;
      periods?: number;
      missingData?: TreatMissingData;
    },
  ): void {
    const alarm = new Alarm(this, id, {
      alarmDescription: props.description,
      metric: props.metric,
      threshold: props.threshold ?? 1,
      comparisonOperator: props.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: props.periods ?? 1,
      datapointsToAlarm: props.periods ?? 1,
      treatMissingData: props.missingData ?? TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
  }
}

/**
 * The sum of several metrics of one kind: one alarm, billed per metric. Metric math's arithmetic counts
 * a value missing from one of them as zero (no `FILL`, which in an alarm turns a late data point into
 * the fill value); a period with no data in any of them is missing data, which these alarms read as
 * "nothing failed".
 */
function sum(label: string, metrics: readonly IMetric[]): MathExpression {
  const ids = metrics.map((_, index) => `m${index}`);
  return new MathExpression({
    label,
    expression: ids.join(' + '),
    usingMetrics: Object.fromEntries(ids.map((metricId, index) => [metricId, metrics[index] as IMetric])),
    period: Duration.minutes(5),
  });
}
