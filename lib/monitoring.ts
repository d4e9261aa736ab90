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
  /** The functions that read the table's stream: delivery and the live-updates notifier. */
  streamReaders: readonly BridgeFunction[];
  /** Functions whose errors neither an API's 5xx nor a dead-letter queue would show. */
  backgroundFunctions: readonly BridgeFunction[];
  /** The function a schedule runs every minute (the sweep): watched for not running at all. */
  scheduledFunction: BridgeFunction;
  /** Where stream records and retry-timer messages that failed delivery go. */
  deadLetterQueues: readonly IQueue[];
  /** Subscribed to the alarm topic when given. */
  alarmEmail?: string;
}

/** What the sweep publishes (`publishCount`, EMF): with the `service` dimension. */
export const outboxMetrics = {
  namespace: observability.metricsNamespace,
  service: observability.serviceName,
} as const;

/** A stream reader this far behind the table (IteratorAge) is stuck, throttled or failing. */
export const streamLagThreshold = Duration.minutes(1);

/**
 * Alarms on what needs a human, all notifying one SNS topic that only these alarms may publish to.
 * CloudWatch bills each metric an alarm reads (metric math included), so each failure mode is
 * watched through the widest metric that shows it: the APIs' server errors stand for the errors,
 * timeouts and throttling of every function behind them, dead-letter queues for the delivery
 * triggers, and one alarm sums the metrics of one kind. BENCHMARKS.md prices them.
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
        'Stream records or retry-timer messages failed delivery after their retries (DeliverFromStream or DeliverOnTimer failing or throttled); the sweep still retries the events.',
      metric: sum(
        'Messages in the dead-letter queues',
        props.deadLetterQueues.map((queue) =>
          queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', ...fiveMinutes }),
        ),
      ),
    });
    this.alarm('ServerErrorAlarm', {
      description:
        'The HTTP API answered 5xx, or the WebSocket API could not run $connect or $disconnect: an error, a timeout or throttling of a function behind them, never a client mistake.',
      metric: sum('Server errors of the two APIs', [
        props.httpApi.metricServerError({ statistic: 'Sum', ...fiveMinutes }),
        props.webSocketApi.metric('ExecutionError', { statistic: 'Sum', ...fiveMinutes }),
      ]),
    });
    this.alarm('StreamLagAlarm', {
      description: `A reader of the table's stream (${names(props.streamReaders)}) is ${streamLagThreshold.toMinutes()} minute or more behind: failing, throttled or stuck.`,
      metric: new MathExpression({
        label: 'Oldest stream record not yet processed (ms)',
        expression: `MAX([${props.streamReaders.map((_, index) => `m${index}`).join(', ')}])`,
        usingMetrics: Object.fromEntries(
          props.streamReaders.map((fn, index) => [
            `m${index}`,
            fn.metric('IteratorAge', { statistic: 'Maximum', ...fiveMinutes }),
          ]),
        ),
        ...fiveMinutes,
      }),
      threshold: streamLagThreshold.toMilliseconds(),
    });
    const background = props.backgroundFunctions.map((fn) =>
      fn.metricErrors({ statistic: 'Sum', ...fiveMinutes }),
    );
    const scheduled = props.scheduledFunction;
    this.alarm('BackgroundErrorAlarm', {
      description: `${names(props.backgroundFunctions)} failed, or ${scheduled.node.id} did not run in 5 minutes (it runs every minute): live updates stop reaching consoles, or retries wait and nothing counts failed events.`,
      metric: new MathExpression({
        label: 'Errors of the functions behind no API, plus one if the schedule did not run',
        expression: `${background.map((_, index) => `FILL(m${index}, 0)`).join(' + ')} + IF(FILL(runs, 0) < 1, 1, 0)`,
        usingMetrics: {
          ...Object.fromEntries(background.map((metric, index) => [`m${index}`, metric])),
          runs: scheduled.metricInvocations({ statistic: 'Sum', ...fiveMinutes }),
        },
        ...fiveMinutes,
      }),
      // No data at all means the schedule invoked nothing: the sweep publishes Invocations whenever it runs.
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

  /** An alarm at `threshold` (one by default) or more over one period; quiet without data (no traffic, no failures) unless told. */
  private alarm(
    id: string,
    props: { description: string; metric: IMetric; threshold?: number; missingData?: TreatMissingData },
  ): void {
    const alarm = new Alarm(this, id, {
      alarmDescription: props.description,
      metric: props.metric,
      threshold: props.threshold ?? 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: props.missingData ?? TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
  }
}

/** The sum of several metrics of one kind, a missing one counted as zero: one alarm, billed per metric. */
function sum(label: string, metrics: readonly IMetric[]): MathExpression {
  const ids = metrics.map((_, index) => `m${index}`);
  return new MathExpression({
    label,
    expression: ids.map((metricId) => `FILL(${metricId}, 0)`).join(' + '),
    usingMetrics: Object.fromEntries(ids.map((metricId, index) => [metricId, metrics[index] as IMetric])),
    period: Duration.minutes(5),
  });
}

function names(functions: readonly BridgeFunction[]): string {
  return functions.map((fn) => fn.node.id).join(' or ');
}
