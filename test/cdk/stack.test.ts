import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { deliveryFunctions, fallbackRoute, routes } from '#routes';
import { tableDefinition } from '#store/table.ts';
import type { BridgeFunction } from '../../lib/bridge-function.ts';
import { type Synthesized, synthesize } from './synthesize.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; [key: string]: unknown };
type Statement = { Action: string | string[]; Resource: unknown };

let synthesized: Synthesized;

beforeAll(() => {
  synthesized = synthesize();
});

function resources(type: string): Record<string, Resource> {
  return synthesized.template.findResources(type) as Record<string, Resource>;
}

/** The statements of the inline policies attached to the role with this logical id. */
function statementsOfRole(roleId: string): Statement[] {
  return Object.values(resources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

function functionNamed(name: string): BridgeFunction {
  const { api, delivery } = synthesized.stack;
  const fn =
    api.functions.get(name) ?? [delivery.fromStream, delivery.sweep].find((it) => it.node.id === name);
  if (!fn) throw new Error(`No function ${name}`);
  return fn;
}

function tableActionsOf(functionName: string): string[] {
  const { role } = functionNamed(functionName);
  if (!role) throw new Error(`No role for ${functionName}`);
  const tableId = synthesized.logicalId(synthesized.stack.table.table);
  return statementsOfRole(synthesized.logicalId(role))
    .filter((statement) => JSON.stringify(statement.Resource).includes(tableId))
    .flatMap((statement) => statement.Action);
}

describe('functions', () => {
  it('makes one function per route of the route table, plus the fallback and the two delivery functions', () => {
    const functions = resources('AWS::Lambda::Function');
    expect(Object.keys(functions)).toHaveLength(routes.length + 3);
    const names = [...synthesized.stack.api.functions.keys()];
    expect(names.sort()).toEqual([...routes.map((route) => route.name), fallbackRoute.name].sort());
  });

  it('gives every function the same defaults: Node.js 22, arm64, ESM bundle, short timeout', () => {
    for (const fn of Object.values(resources('AWS::Lambda::Function'))) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 256,
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
      });
      expect(fn.Properties.Timeout).toBeLessThanOrEqual(60);
    }
  });

  it('gives HTTP functions 10 seconds, under the API Gateway limit', () => {
    for (const name of routes.map((route) => route.name)) {
      const resource = resources('AWS::Lambda::Function')[synthesized.logicalId(functionNamed(name))];
      expect(resource?.Properties.Timeout).toBe(10);
    }
  });

  it('gives every function its own log group with a retention period', () => {
    const logGroups = resources('AWS::Logs::LogGroup');
    for (const fn of Object.values(resources('AWS::Lambda::Function'))) {
      const { LogGroup } = fn.Properties.LoggingConfig as { LogGroup: { Ref: string } };
      expect(logGroups[LogGroup.Ref]?.Properties.RetentionInDays).toBe(30);
    }
  });

  it('passes the generated table name and refuses private webhooks, and sets nothing the user did not configure', () => {
    const tableId = synthesized.logicalId(synthesized.stack.table.table);
    for (const fn of Object.values(resources('AWS::Lambda::Function'))) {
      expect((fn.Properties.Environment as { Variables: unknown }).Variables).toEqual({
        TABLE_NAME: { Ref: tableId },
        ALLOW_PRIVATE_WEBHOOKS: 'false',
        POWERTOOLS_SERVICE_NAME: 'operator-bridge',
        POWERTOOLS_METRICS_NAMESPACE: 'OperatorBridge',
      });
    }
  });
});

describe('least privilege', () => {
  it('grants read-only table access to functions that only read, and read/write to those that write', () => {
    const functionsByAccess = [
      ...routes.map((route) => [route.name, route.table] as const),
      [deliveryFunctions.fromStream.name, deliveryFunctions.fromStream.table] as const,
      [deliveryFunctions.sweep.name, deliveryFunctions.sweep.table] as const,
    ];
    for (const [name, access] of functionsByAccess) {
      const actions = tableActionsOf(name);
      expect(actions, name).toContain('dynamodb:Query');
      if (access === 'read')
        expect(
          actions.filter((action) => !isReadAction(action)),
          name,
        ).toEqual([]);
      else expect(actions, name).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem']));
    }
  });

  it('gives the fallback function no access to the table', () => {
    expect(tableActionsOf(fallbackRoute.name)).toEqual([]);
  });

  it('uses no wildcard action anywhere, and names each index instead of index/*', () => {
    const statements = Object.values(resources('AWS::IAM::Policy')).flatMap(
      (policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
    for (const statement of statements) {
      for (const action of [statement.Action].flat()) expect(action).not.toContain('*');
      expect(JSON.stringify(statement.Resource)).not.toContain('/index/*');
    }
  });

  it('does not attach AWS managed policies to function roles', () => {
    for (const role of Object.values(resources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});

function isReadAction(action: string): boolean {
  return /^dynamodb:(Get|BatchGet|Query|Scan|ConditionCheck)/.test(action);
}

describe('HTTP API', () => {
  it('has exactly the routes of the route table, and $default for everything else', () => {
    const routeKeys = Object.values(resources('AWS::ApiGatewayV2::Route')).map(
      (route) => route.Properties.RouteKey,
    );
    expect(routeKeys.sort()).toEqual(
      [...routes.map((route) => `${route.method} ${route.path}`), '$default'].sort(),
    );
  });

  it('sends each route to its own function, and $default to the fallback', () => {
    const integrations = resources('AWS::ApiGatewayV2::Integration');
    const targets = Object.fromEntries(
      Object.values(resources('AWS::ApiGatewayV2::Route')).map((route) => {
        const integrationId = JSON.stringify(route.Properties.Target).match(/"Ref":"(\w+)"/)?.[1] ?? '';
        const uri = JSON.stringify(integrations[integrationId]?.Properties.IntegrationUri);
        return [route.Properties.RouteKey as string, uri.match(/"Fn::GetAtt":\["(\w+)","Arn"\]/)?.[1]];
      }),
    );
    const functionId = (name: string) =>
      synthesized.logicalId(synthesized.stack.api.functions.get(name) as never);
    for (const route of routes) expect(targets[`${route.method} ${route.path}`]).toBe(functionId(route.name));
    expect(targets.$default).toBe(functionId(fallbackRoute.name));
  });

  it('throttles the stage and writes access logs by route template, never by path (it holds the token)', () => {
    const [stage] = Object.values(resources('AWS::ApiGatewayV2::Stage'));
    if (!stage) throw new Error('No stage');
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: {
        DestinationArn: expect.anything(),
        Format: expect.stringContaining('$context.routeKey'),
      },
    });
    const format = (stage.Properties.AccessLogSettings as { Format: string }).Format;
    expect(format).not.toMatch(/\$context\.(path|resourcePath)|authorizer|identity/);
  });

  it('sends no CORS headers unless a console origin is configured', () => {
    const [api] = Object.values(resources('AWS::ApiGatewayV2::Api'));
    expect(api?.Properties.CorsConfiguration).toBeUndefined();
  });

  it('outputs the API base URL and the table name', () => {
    synthesized.template.hasOutput('ApiUrl', { Value: Match.anyValue() });
    synthesized.template.hasOutput('TableName', {
      Value: { Ref: synthesized.logicalId(synthesized.stack.table.table) },
    });
  });
});

describe('table', () => {
  it('has the key schema and indexes of the shared table definition', () => {
    synthesized.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: tableDefinition.partitionKey, KeyType: 'HASH' },
        { AttributeName: tableDefinition.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: tableDefinition.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    });
  });

  it('is on-demand, with point-in-time recovery, a new-image stream and the TTL attribute', () => {
    synthesized.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      TimeToLiveSpecification: { AttributeName: tableDefinition.ttlAttribute, Enabled: true },
    });
  });

  it('is kept when the stack is deleted, by default', () => {
    synthesized.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });
});

describe('delivery', () => {
  it('feeds the stream to the delivery function: new pending outbox entries only, with batch item failures', () => {
    const fromStreamId = synthesized.logicalId(synthesized.stack.delivery.fromStream);
    const dlqId = synthesized.logicalId(synthesized.stack.delivery.deadLetterQueue);
    synthesized.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    synthesized.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fromStreamId },
      EventSourceArn: { 'Fn::GetAtt': [synthesized.logicalId(synthesized.stack.table.table), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ['INSERT', 'MODIFY'],
              dynamodb: { NewImage: { gsi1pk: { S: ['OUTBOX#PENDING'] } } },
            }),
          },
        ],
      },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlqId, 'Arn'] } } },
    });
  });

  it('keeps failed stream records in an encrypted dead-letter queue that refuses plain HTTP', () => {
    synthesized.template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    synthesized.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('runs the sweep every minute', () => {
    synthesized.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [synthesized.logicalId(synthesized.stack.delivery.sweep), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0 },
        }),
      ],
    });
  });
});

describe('alarms', () => {
  const alarmOn = (metric: Record<string, unknown>) =>
    synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...metric,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: synthesized.logicalId(synthesized.stack.monitoring.alarmTopic) }],
    });

  it('alarms on events in failed, from the metric the sweep publishes', () => {
    alarmOn({
      Namespace: 'OperatorBridge',
      MetricName: 'OutboxFailed',
      Dimensions: [{ Name: 'service', Value: 'operator-bridge' }],
    });
  });

  it('alarms on the dead-letter queue depth', () => {
    alarmOn({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: {
            'Fn::GetAtt': [synthesized.logicalId(synthesized.stack.delivery.deadLetterQueue), 'QueueName'],
          },
        },
      ],
    });
  });

  it('alarms on 5xx answers of the API', () => {
    alarmOn({ Namespace: 'AWS/ApiGateway', MetricName: '5xx' });
  });

  it('alarms on throttled invocations', () => {
    alarmOn({ Namespace: 'AWS/Lambda', MetricName: 'Throttles' });
  });

  it('alarms on a failing sweep', () => {
    alarmOn({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [
        { Name: 'FunctionName', Value: { Ref: synthesized.logicalId(synthesized.stack.delivery.sweep) } },
      ],
    });
  });

  it('sends alarms only over TLS', () => {
    synthesized.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});
