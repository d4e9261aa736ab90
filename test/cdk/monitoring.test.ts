import { beforeAll, describe, expect, it } from 'vitest';
import { alarmMetrics, type CfnTemplate, idleCost, publishedMetrics } from '../../bench/cost.ts';
import { streamLagThreshold } from '../../lib/monitoring.ts';
import { type Synthesized, synthesize } from './synthesize.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };

let synthesized: Synthesized;
let template: CfnTemplate;

beforeAll(() => {
  synthesized = synthesize();
  template = synthesized.template.toJSON() as CfnTemplate;
});

function resources(type: string): Record<string, Resource> {
  return synthesized.template.findResources(type) as Record<string, Resource>;
}

function alarmNamed(id: string): Resource {
  const alarm = synthesized.stack.monitoring.alarms.find((it) => it.node.id === id);
  if (!alarm) throw new Error(`No alarm ${id}`);
  return resources('AWS::CloudWatch::Alarm')[synthesized.logicalId(alarm)] as Resource;
}

/** The metrics an alarm reads, as `Namespace/MetricName` and the logical id its dimension names. */
function watched(id: string): string[] {
  const alarm = alarmNamed(id);
  return alarmMetrics(alarm.Properties).map((metric) => {
    const value = metric.Dimensions?.[0]?.Value as { Ref?: string; 'Fn::GetAtt'?: string[] } | string;
    const target = typeof value === 'string' ? value : (value?.Ref ?? value?.['Fn::GetAtt']?.[0]);
    return `${metric.Namespace}/${metric.MetricName} ${target}`;
  });
}

const idOf = (construct: unknown) => synthesized.logicalId(construct as never);

describe('alarms', () => {
  it('has five alarms, each describing what it watches and notifying the topic', () => {
    const alarms = Object.values(resources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(5);
    const topicId = idOf(synthesized.stack.monitoring.alarmTopic);
    for (const alarm of alarms) {
      expect(String(alarm.Properties.AlarmDescription).length).toBeGreaterThan(40);
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    }
  });

  it('alarms on events in failed; silence is no failed event (the sweep publishes only a count above zero)', () => {
    expect(watched('OutboxFailedAlarm')).toEqual(['OperatorBridge/OutboxFailed operator-bridge']);
    expect(alarmNamed('OutboxFailedAlarm').Properties).toMatchObject({
      Threshold: 1,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarms on the one dead-letter queue of every background trigger, one metric for them all', () => {
    const { deadLetterQueue } = synthesized.stack.delivery;
    expect(watched('DeadLetterAlarm')).toEqual([
      `AWS/SQS/ApproximateNumberOfMessagesVisible ${idOf(deadLetterQueue)}`,
    ]);
    expect(alarmNamed('DeadLetterAlarm').Properties).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarms on server errors of the HTTP API and on failed invocations of the WebSocket API, summed without FILL', () => {
    const { api, live } = synthesized.stack;
    expect(watched('ServerErrorAlarm')).toEqual([
      `AWS/ApiGateway/5xx ${idOf(api.httpApi)}`,
      `AWS/ApiGateway/ExecutionError ${idOf(live.webSocketApi)}`,
    ]);
    expect(alarmNamed('ServerErrorAlarm').Properties.Metrics).toContainEqual(
      expect.objectContaining({ Expression: 'm0 + m1', ReturnData: true }),
    );
  });

  it('alarms when delivery falls a minute behind the table stream (iterator age), on the metric itself', () => {
    const { delivery } = synthesized.stack;
    expect(watched('StreamLagAlarm')).toEqual([`AWS/Lambda/IteratorAge ${idOf(delivery.fromStream)}`]);
    expect(alarmNamed('StreamLagAlarm').Properties).toMatchObject({
      Threshold: streamLagThreshold.toMilliseconds(),
      Statistic: 'Maximum',
    });
  });

  it('alarms when the sweep is not invoked for two 5-minute periods in a row; no data is no invocation', () => {
    const { delivery } = synthesized.stack;
    expect(watched('SweepStoppedAlarm')).toEqual([`AWS/Lambda/Invocations ${idOf(delivery.sweep)}`]);
    expect(alarmNamed('SweepStoppedAlarm').Properties).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      TreatMissingData: 'breaching',
    });
  });

  it('uses only metric math that CloudWatch documents for alarms: no FILL, MAX, AVG or IF', () => {
    const expressions = Object.values(resources('AWS::CloudWatch::Alarm')).flatMap((alarm) =>
      ((alarm.Properties.Metrics ?? []) as { Expression?: string }[]).flatMap((query) =>
        query.Expression ? [query.Expression] : [],
      ),
    );
    expect(expressions.length).toBeGreaterThan(0);
    for (const expression of expressions) expect(expression).toMatch(/^m\d+( \+ m\d+)*$/);
  });

  it('sends what every background trigger gives up on to that one queue: both stream readers, the retry queue, the sweep and its schedule', () => {
    const { delivery, live } = synthesized.stack;
    const dlqArn = { 'Fn::GetAtt': [idOf(delivery.deadLetterQueue), 'Arn'] };
    for (const fn of [delivery.fromStream, live.notifier]) {
      synthesized.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: idOf(fn) },
        DestinationConfig: { OnFailure: { Destination: dlqArn } },
      });
    }
    expect(resources('AWS::SQS::Queue')[idOf(delivery.retryQueue)]?.Properties.RedrivePolicy).toMatchObject({
      deadLetterTargetArn: dlqArn,
    });
    synthesized.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: idOf(delivery.sweep) },
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: dlqArn } },
    });
    const [rule] = Object.values(resources('AWS::Events::Rule'));
    expect(rule?.Properties.Targets).toEqual([
      expect.objectContaining({
        DeadLetterConfig: { Arn: dlqArn },
        RetryPolicy: { MaximumRetryAttempts: 0 },
      }),
    ]);
    // Every queue but the retry timer is that dead-letter queue: nothing else to watch.
    expect(Object.keys(resources('AWS::SQS::Queue')).sort()).toEqual(
      [idOf(delivery.deadLetterQueue), idOf(delivery.retryQueue)].sort(),
    );
  });

  it('watches every function of the template: through an API, a dead-letter queue, or its own metrics', () => {
    const allWatched = Object.keys(resources('AWS::CloudWatch::Alarm')).flatMap((id) =>
      alarmMetrics(resources('AWS::CloudWatch::Alarm')[id]?.Properties ?? {}).map((metric) =>
        JSON.stringify(metric.Dimensions?.[0]?.Value),
      ),
    );
    const alarmed = (value: unknown) => allWatched.includes(JSON.stringify(value));
    const integrations = Object.values(resources('AWS::ApiGatewayV2::Integration'));
    const mappings = Object.values(resources('AWS::Lambda::EventSourceMapping'));
    const queues = resources('AWS::SQS::Queue');
    for (const functionId of Object.keys(resources('AWS::Lambda::Function'))) {
      const behindApi = integrations.find((integration) =>
        JSON.stringify(integration.Properties.IntegrationUri).includes(`"${functionId}"`),
      );
      const viaApi =
        behindApi &&
        alarmed({ Ref: behindApi.Properties.ApiId && (behindApi.Properties.ApiId as { Ref: string }).Ref });
      const viaOwnMetrics = alarmed({ Ref: functionId });
      const viaDeadLetters = mappings
        .filter(
          (mapping) =>
            JSON.stringify(mapping.Properties.FunctionName) === JSON.stringify({ Ref: functionId }),
        )
        .some((mapping) => {
          const onFailure = (
            mapping.Properties.DestinationConfig as {
              OnFailure?: { Destination: { 'Fn::GetAtt': string[] } };
            }
          )?.OnFailure?.Destination['Fn::GetAtt']?.[0];
          const source = (mapping.Properties.EventSourceArn as { 'Fn::GetAtt'?: string[] })[
            'Fn::GetAtt'
          ]?.[0];
          const redrive = (
            queues[source ?? '']?.Properties.RedrivePolicy as
              | { deadLetterTargetArn: { 'Fn::GetAtt': string[] } }
              | undefined
          )?.deadLetterTargetArn['Fn::GetAtt'][0];
          return [onFailure, redrive].some(
            (queueId) => queueId && alarmed({ 'Fn::GetAtt': [queueId, 'QueueName'] }),
          );
        });
      expect(Boolean(viaApi || viaOwnMetrics || viaDeadLetters), functionId).toBe(true);
    }
  });

  it('reads six metrics in all, which CloudWatch bills at $0.60 a month idle (32 alarms before, then ten metrics)', () => {
    const cost = idleCost(template, { scheduledInvocation: () => 0, customMetrics: 0 });
    expect(cost).toMatchObject({ alarms: 5, alarmMetrics: 6 });
    expect(cost.alarmCost).toBeCloseTo(0.6);
  });

  it("lets CloudWatch publish this stack's alarms to the topic, and only over TLS", () => {
    const alarmArns = Object.keys(resources('AWS::CloudWatch::Alarm')).map((id) => ({
      'Fn::GetAtt': [id, 'Arn'],
    }));
    const topicId = idOf(synthesized.stack.monitoring.alarmTopic);
    const [policy, ...others] = Object.values(resources('AWS::SNS::TopicPolicy'));
    if (!policy || others.length > 0) throw new Error('Expected one topic policy');
    expect(policy.Properties.Topics).toEqual([{ Ref: topicId }]);
    const statements = (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
      .Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const allow = statements.find((statement) => statement.Effect === 'Allow');
    expect(allow).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: { Ref: topicId },
      Condition: {
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnLike: { 'aws:SourceArn': expect.any(Array) },
      },
    });
    const condition = allow?.Condition as { ArnLike: { 'aws:SourceArn': unknown[] } } | undefined;
    const sourceArns = condition?.ArnLike['aws:SourceArn'] ?? [];
    expect(sourceArns.map((arn) => JSON.stringify(arn)).sort()).toEqual(
      alarmArns.map((arn) => JSON.stringify(arn)).sort(),
    );
  });
});

describe('idle cost', () => {
  it('counts the custom metrics a function publishes from its embedded-metric-format log lines', () => {
    const emf = (values: Record<string, number>) =>
      JSON.stringify({
        _aws: {
          Timestamp: Date.now(),
          CloudWatchMetrics: [
            {
              Namespace: 'OperatorBridge',
              Dimensions: [['service']],
              Metrics: Object.keys(values).map((name) => ({ Name: name, Unit: 'Count' })),
            },
          ],
        },
        service: 'operator-bridge',
        ...values,
      });
    const logs = [
      emf({ OutboxPending: 0, OutboxFailed: 0 }),
      '{"level":"INFO","message":"outbox swept"}',
      emf({ OutboxFailed: 1, SweepConversations: 2 }),
    ].join('\n');
    expect(publishedMetrics(logs)).toEqual([
      'OperatorBridge/OutboxFailed service=operator-bridge',
      'OperatorBridge/OutboxPending service=operator-bridge',
      'OperatorBridge/SweepConversations service=operator-bridge',
    ]);
  });

  it('prices schedules by their rate and the cost of their target, and SQS polling per queue mapping', () => {
    const sweepId = idOf(synthesized.stack.delivery.sweep);
    const cost = idleCost(template, {
      scheduledInvocation: (functionId) => (functionId === sweepId ? 1e-6 : 1),
      customMetrics: 3,
    });
    // One rule, every minute, to the sweep: 43,200 invocations in 30 days.
    expect(cost.scheduleCost).toBeCloseTo(0.0432);
    expect(cost.customMetricCost).toBeCloseTo(0.9);
    expect(cost.pollingCost).toBeCloseTo(5 * 3 * 60 * 24 * 30 * 0.4e-6);
    expect(cost.total).toBeCloseTo(
      cost.alarmCost + cost.customMetricCost + cost.scheduleCost + cost.pollingCost,
    );
  });
});
