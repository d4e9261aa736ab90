import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { deliveryFunctions, fallbackRoute, liveRoutes, routes } from '#api/routes.ts';
import { keys } from '#store/keys.ts';
import { tableDefinition } from '#store/table.ts';
import type { BridgeFunction } from '../../lib/bridge-function.ts';
import { matches, type Pattern } from './event-pattern.ts';
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
  const fn = api.functions.get(name) ?? delivery.functions.find((it) => it.node.id === name);
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

const reads = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];
const operatorRead = ['CHANNELS', 'DESTINATIONS', 'AGENTS', 'OPEN#*', 'CONV#*'];
const agentRead = ['AGENTS', 'DESTINATIONS', 'CONV#*'];
const delivery: Grant[] = [
  { on: 'table', actions: reads, leadingKeys: ['CHANNELS', 'SECRET#*', 'CONV#*', 'OUTBOX#COUNTERS'] },
  { on: 'table', actions: writes, leadingKeys: ['CONV#*', 'OUTBOX#COUNTERS'] },
  { on: 'byState', actions: ['dynamodb:Query'], leadingKeys: ['OUTBOX#*'] },
];
const operatorRoutes = [
  'SetWebhook',
  'SendText',
  'SendFile',
  'CloseChat',
  'SelectDestination',
  'GetDestinations',
];

/**
 * What each function's role may do with the table, written out: a declaration in the route table that
 * widens a grant changes the template, and this list has to change with it, in review.
 */
type Grant = { on: string; actions: string[]; leadingKeys: string[] };
const expectedTableGrants = new Map<string, Grant[]>([
  [
    'SetWebhook',
    [
      { on: 'table', actions: reads, leadingKeys: ['CHANNELS'] },
      { on: 'table', actions: writes, leadingKeys: ['CHANNELS', 'CONV#*'] },
      { on: 'byState', actions: ['dynamodb:Query'], leadingKeys: ['OUTBOX#*'] },
    ],
  ],
  ...['SendText', 'SendFile', 'CloseChat', 'SelectDestination'].map(
    (name) =>
      [
        name,
        [
          { on: 'table', actions: reads, leadingKeys: operatorRead },
          { on: 'table', actions: writes, leadingKeys: ['CONV#*', 'OPEN#*'] },
        ],
      ] as [string, Grant[]],
  ),
  ['GetDestinations', [{ on: 'table', actions: reads, leadingKeys: ['CHANNELS', 'DESTINATIONS', 'AGENTS'] }]],
  ['GetMe', [{ on: 'table', actions: reads, leadingKeys: ['AGENTS'] }]],
  ['ListDestinations', [{ on: 'table', actions: reads, leadingKeys: ['AGENTS', 'DESTINATIONS'] }]],
  ['ListCannedReplies', [{ on: 'table', actions: reads, leadingKeys: ['AGENTS', 'CANNED'] }]],
  [
    'SetPresence',
    [
      { on: 'table', actions: reads, leadingKeys: ['AGENTS'] },
      { on: 'table', actions: writes, leadingKeys: ['AGENTS'] },
    ],
  ],
  [
    'ListConversations',
    [
      { on: 'table', actions: reads, leadingKeys: agentRead },
      { on: 'byQueue', actions: ['dynamodb:Query'], leadingKeys: ['QUEUE#*'] },
    ],
  ],
  ['ListMessages', [{ on: 'table', actions: reads, leadingKeys: agentRead }]],
  ...['AcceptConversation', 'SendMessage', 'TransferConversation', 'RetryMessage'].map(
    (name) =>
      [
        name,
        [
          { on: 'table', actions: reads, leadingKeys: agentRead },
          { on: 'table', actions: writes, leadingKeys: ['CONV#*'] },
        ],
      ] as [string, Grant[]],
  ),
  [
    'CloseConversation',
    [
      { on: 'table', actions: reads, leadingKeys: agentRead },
      { on: 'table', actions: writes, leadingKeys: ['CONV#*', 'OPEN#*'] },
    ],
  ],
  [
    'CreateLiveTicket',
    [
      { on: 'table', actions: reads, leadingKeys: ['AGENTS'] },
      { on: 'table', actions: writes, leadingKeys: ['LIVE#TICKET#*'] },
    ],
  ],
  [
    'LiveConnect',
    [
      { on: 'table', actions: reads, leadingKeys: ['AGENTS'] },
      {
        on: 'table',
        actions: writes,
        leadingKeys: ['LIVE#TICKET#*', 'LIVE#CONN#*', 'LIVE#QUEUE#*', 'LIVE#AGENT#*'],
      },
    ],
  ],
  [
    'LiveDisconnect',
    [
      { on: 'table', actions: reads, leadingKeys: ['LIVE#CONN#*'] },
      { on: 'table', actions: writes, leadingKeys: ['LIVE#CONN#*', 'LIVE#QUEUE#*', 'LIVE#AGENT#*'] },
    ],
  ],
  [
    'NotifyFromStream',
    [
      { on: 'table', actions: reads, leadingKeys: ['AGENTS', 'CONV#*', 'LIVE#QUEUE#*', 'LIVE#CONN#*'] },
      { on: 'table', actions: writes, leadingKeys: ['LIVE#CONN#*', 'LIVE#QUEUE#*', 'LIVE#AGENT#*'] },
    ],
  ],
  [
    'DeliverFromStream',
    [
      { on: 'table', actions: reads, leadingKeys: ['CHANNELS', 'SECRET#*', 'CONV#*', 'OUTBOX#COUNTERS'] },
      { on: 'table', actions: writes, leadingKeys: ['CONV#*', 'OUTBOX#COUNTERS', 'OPEN#*'] },
      { on: 'byState', actions: ['dynamodb:Query'], leadingKeys: ['OUTBOX#*'] },
    ],
  ],
  ['DeliverOnTimer', delivery],
  // The sweep also writes due automatic replies: it reads destinations, agents and their waiting queues.
  [
    'SweepOutbox',
    [
      {
        on: 'table',
        actions: reads,
        leadingKeys: ['CHANNELS', 'SECRET#*', 'CONV#*', 'OUTBOX#COUNTERS', 'DESTINATIONS', 'AGENTS'],
      },
      { on: 'table', actions: writes, leadingKeys: ['CONV#*', 'OUTBOX#COUNTERS'] },
      { on: 'byState', actions: ['dynamodb:Query'], leadingKeys: ['OUTBOX#*'] },
      { on: 'byQueue', actions: ['dynamodb:Query'], leadingKeys: ['QUEUE#*'] },
    ],
  ],
  ...['OpenApi', 'ServeConsoleIndex', 'ServeConsoleFile', 'NotFound'].map(
    (name) => [name, []] as [string, Grant[]],
  ),
]);

/** Every function of the stack by name: the API's, delivery's and live updates'. */
function anyFunctionNamed(name: string): BridgeFunction {
  const { api, delivery, live } = synthesized.stack;
  const fn =
    api.functions.get(name) ??
    delivery.functions.find((it) => it.node.id === name) ??
    live.functions.get(name) ??
    (live.notifier.node.id === name ? live.notifier : undefined);
  if (!fn) throw new Error(`No function ${name}`);
  return fn;
}

/** The role's statements on the table or one of its indexes, with their LeadingKeys condition. */
function tableGrantsOf(functionName: string) {
  const { role } = anyFunctionNamed(functionName);
  if (!role) throw new Error(`No role for ${functionName}`);
  const tableId = synthesized.logicalId(synthesized.stack.table.table);
  return (
    statementsOfRole(synthesized.logicalId(role))
      .filter((statement) => JSON.stringify(statement.Resource).includes(tableId))
      // The stream readers' grants on the table's stream are not item access.
      .filter(
        (statement) =>
          ![statement.Action].flat().some((action) => /Stream|GetRecords|GetShardIterator/.test(action)),
      )
      .map((statement) => {
        const index = /\/index\/(\w+)/.exec(JSON.stringify(statement.Resource))?.[1];
        const condition = (statement as { Condition?: Record<string, Record<string, string[]>> }).Condition;
        return {
          on: index ?? 'table',
          actions: [statement.Action].flat(),
          leadingKeys: [condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? []].flat(),
          condition,
        };
      })
  );
}

describe('functions', () => {
  it('makes one function per route of the route table, plus the fallback, the three delivery functions and live updates', () => {
    const functions = resources('AWS::Lambda::Function');
    expect(Object.keys(functions)).toHaveLength(
      routes.length + 1 + Object.keys(deliveryFunctions).length + liveRoutes.length + 1,
    );
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
    const retryQueueId = synthesized.logicalId(synthesized.stack.delivery.retryQueue);
    const deliveryIds = synthesized.stack.delivery.functions.map((fn) => synthesized.logicalId(fn));
    for (const [id, fn] of Object.entries(resources('AWS::Lambda::Function'))) {
      // Live updates add where to connect (the ticket function) and where to post (the notifier): see live.test.ts.
      const {
        LIVE_URL: _url,
        LIVE_MANAGEMENT_URL: _callback,
        ...variables
      } = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables).toEqual({
        TABLE_NAME: { Ref: tableId },
        ALLOW_PRIVATE_WEBHOOKS: 'false',
        POWERTOOLS_SERVICE_NAME: 'operator-bridge',
        POWERTOOLS_METRICS_NAMESPACE: 'OperatorBridge',
        // Only the delivery functions schedule retries.
        ...(deliveryIds.includes(id) && { RETRY_QUEUE_URL: { Ref: retryQueueId } }),
      });
    }
    expect(deliveryIds).toHaveLength(3);
  });
});

describe('least privilege', () => {
  it('limits every table grant to the partition keys the function declares (dynamodb:LeadingKeys)', () => {
    for (const [name] of expectedTableGrants) {
      const grants = tableGrantsOf(name);
      for (const grant of grants) {
        expect(grant.condition, `${name} ${grant.on}`).toEqual({
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': grant.leadingKeys },
        });
      }
    }
  });

  it('grants each function exactly these actions on these partitions, and fails when one widens', () => {
    for (const [name, expected] of expectedTableGrants) {
      const grants = tableGrantsOf(name).map(({ on, actions, leadingKeys }) => ({
        on,
        actions,
        leadingKeys,
      }));
      expect(grants, name).toEqual(expected);
    }
  });

  it('lets only the delivery functions read platform secrets, and none write them', () => {
    const names = [...expectedTableGrants.keys()];
    const reading = names.filter((name) =>
      tableGrantsOf(name).some(
        (grant) => grant.actions.includes('dynamodb:GetItem') && grant.leadingKeys.includes('SECRET#*'),
      ),
    );
    const writing = names.filter((name) =>
      tableGrantsOf(name).some(
        (grant) => grant.actions.includes('dynamodb:PutItem') && grant.leadingKeys.includes('SECRET#*'),
      ),
    );
    expect(reading.sort()).toEqual(['DeliverFromStream', 'DeliverOnTimer', 'SweepOutbox']);
    expect(writing).toEqual([]);
  });

  it('lets only the functions that need channels read them, and only setWebhook write them', () => {
    const reading = [...expectedTableGrants.keys()].filter((name) =>
      tableGrantsOf(name).some((grant) => grant.on === 'table' && grant.leadingKeys.includes('CHANNELS')),
    );
    const writing = [...expectedTableGrants.keys()].filter((name) =>
      tableGrantsOf(name).some(
        (grant) => grant.actions.includes('dynamodb:PutItem') && grant.leadingKeys.includes('CHANNELS'),
      ),
    );
    expect(
      reading.every(
        (name) => name.startsWith('Deliver') || operatorRoutes.includes(name) || name === 'SweepOutbox',
      ),
    ).toBe(true);
    expect(writing).toEqual(['SetWebhook']);
  });

  it('gives $connect, the unauthenticated entry point, only tickets, connections, listeners and agents', () => {
    const keys = tableGrantsOf('LiveConnect').flatMap((grant) => grant.leadingKeys);
    expect(new Set(keys)).toEqual(
      new Set(['AGENTS', 'LIVE#TICKET#*', 'LIVE#CONN#*', 'LIVE#QUEUE#*', 'LIVE#AGENT#*']),
    );
  });

  it('gives the fallback function no access to the table', () => {
    expect(tableActionsOf(fallbackRoute.name)).toEqual([]);
  });

  it('lets the delivery functions, and only them, send to the retry queue, and only DeliverOnTimer read it', () => {
    const { retryQueue, functions, onTimer } = synthesized.stack.delivery;
    const retryQueueArn = JSON.stringify({ 'Fn::GetAtt': [synthesized.logicalId(retryQueue), 'Arn'] });
    const roleOf = (fn: BridgeFunction) => JSON.stringify([{ Ref: synthesized.logicalId(fn.role as never) }]);
    const onRetryQueue = Object.values(resources('AWS::IAM::Policy')).flatMap((policy) =>
      (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement.filter(
        (statement) => JSON.stringify(statement.Resource) === retryQueueArn,
      ).map((statement) => ({
        role: JSON.stringify(policy.Properties.Roles),
        actions: [statement.Action].flat(),
      })),
    );
    const senders = onRetryQueue.filter((grant) => grant.actions.includes('sqs:SendMessage'));
    expect(senders.map((grant) => grant.role).sort()).toEqual(functions.map(roleOf).sort());
    for (const grant of senders) expect(grant.actions).toEqual(['sqs:SendMessage']);
    const readers = onRetryQueue.filter((grant) => grant.actions.includes('sqs:ReceiveMessage'));
    expect(readers.map((grant) => grant.role)).toEqual([roleOf(onTimer)]);
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

describe('HTTP API', () => {
  it('has exactly the routes of the route table, and $default for everything else', () => {
    const httpApiId = synthesized.logicalId(synthesized.stack.api.httpApi);
    const routeKeys = Object.values(resources('AWS::ApiGatewayV2::Route'))
      .filter((route) => JSON.stringify(route.Properties.ApiId) === JSON.stringify({ Ref: httpApiId }))
      .map((route) => route.Properties.RouteKey);
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
    const httpApiId = synthesized.logicalId(synthesized.stack.api.httpApi);
    const stage = Object.values(resources('AWS::ApiGatewayV2::Stage')).find(
      (candidate) => JSON.stringify(candidate.Properties.ApiId) === JSON.stringify({ Ref: httpApiId }),
    );
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

  it('sends no CORS headers unless agent app origins are configured', () => {
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
  it('has the key schema and indexes of the shared table definition, each projecting only what its queries read', () => {
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
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.include] },
      })),
    });
  });

  it('keeps the indexes as deployed: CloudFormation cannot change an existing index, so a new field is read from the items', () => {
    // A change here fails `cdk deploy` on every stack deployed before it ("Cannot update GSI's properties
    // other than Provisioned Throughput"): add a new index, or read the field from the table instead.
    expect(
      tableDefinition.indexes.map((index) => [index.name, index.partitionKey, index.sortKey, index.include]),
    ).toEqual([
      ['byState', 'gsi1pk', 'gsi1sk', ['conversationId', 'seq']],
      [
        'byQueue',
        'gsi2pk',
        'gsi2sk',
        [
          'conversationId',
          'channelId',
          'userId',
          'userName',
          'destinationId',
          'status',
          'assignee',
          'createdAt',
          'lastMessageAt',
          'closedAt',
        ],
      ],
    ]);
  });

  it('is on-demand, with point-in-time recovery, a stream of new and old images and the TTL attribute', () => {
    synthesized.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
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

/** A stream record as Lambda's filter sees it (the table's stream carries new images and keys). */
function streamRecord(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  keys: { pk: string; sk: string },
  newImage?: Record<string, unknown>,
  byTtl = false,
) {
  const Keys = { pk: { S: keys.pk }, sk: { S: keys.sk } };
  return {
    eventName,
    eventSource: 'aws:dynamodb',
    ...(byTtl && { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } }),
    dynamodb: { Keys, ...(newImage && { NewImage: { ...Keys, ...newImage } }) },
  };
}

const outboxEntry = (status: string, attempts: number) => ({
  conversationId: { S: 'c1' },
  type: { S: 'TextMessage' },
  delivery: {
    M: { status: { S: status }, attempts: { N: String(attempts) }, target: { S: 'dialogstudio' } },
  },
});
const entryKeys = keys.message('c1', 7);
const conversationKeys = keys.conversation('c1');
const wakeUpKeys = keys.wake('c1', 'w1');

describe('delivery', () => {
  const fromStreamId = () => synthesized.logicalId(synthesized.stack.delivery.fromStream);
  const streamFilters = (): Pattern[] => {
    const mappings = Object.values(resources('AWS::Lambda::EventSourceMapping')).filter(
      (mapping) =>
        JSON.stringify(mapping.Properties.FunctionName) === JSON.stringify({ Ref: fromStreamId() }),
    );
    const [mapping, ...others] = mappings;
    if (!mapping || others.length > 0) throw new Error('Expected one stream mapping');
    const { Filters } = mapping.Properties.FilterCriteria as { Filters: { Pattern: string }[] };
    return Filters.map((filter) => JSON.parse(filter.Pattern));
  };
  const wakes = (record: unknown) => streamFilters().some((pattern) => matches(pattern, record));

  it('feeds the stream to DeliverFromStream with batch item failures, bisection, bounded retries and a dead-letter queue', () => {
    const dlqId = synthesized.logicalId(synthesized.stack.delivery.deadLetterQueue);
    synthesized.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fromStreamId() },
      EventSourceArn: { 'Fn::GetAtt': [synthesized.logicalId(synthesized.stack.table.table), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlqId, 'Arn'] } } },
    });
  });

  it('wakes DeliverFromStream for new work only: a new outbox entry, a wake-up item, a conversation TTL expired', () => {
    expect(wakes(streamRecord('INSERT', entryKeys, outboxEntry('pending', 0)))).toBe(true);
    expect(wakes(streamRecord('INSERT', wakeUpKeys, { conversationId: { S: 'c1' } }))).toBe(true);
    expect(wakes(streamRecord('MODIFY', wakeUpKeys, { conversationId: { S: 'c1' } }))).toBe(true);
    expect(wakes(streamRecord('REMOVE', conversationKeys, undefined, true))).toBe(true);
  });

  it("never wakes it for the engine's own writes or for anything else", () => {
    // A retry scheduled, a delivery recorded, a failure recorded: each a MODIFY of the outbox entry.
    expect(wakes(streamRecord('MODIFY', entryKeys, outboxEntry('pending', 1)))).toBe(false);
    expect(wakes(streamRecord('MODIFY', entryKeys, outboxEntry('delivered', 1)))).toBe(false);
    expect(wakes(streamRecord('MODIFY', entryKeys, outboxEntry('failed', 9)))).toBe(false);
    // A transcript entry with nothing to deliver, a conversation written or updated.
    expect(
      wakes(streamRecord('INSERT', entryKeys, { conversationId: { S: 'c1' }, type: { S: 'TextMessage' } })),
    ).toBe(false);
    expect(wakes(streamRecord('INSERT', conversationKeys, { status: { S: 'waiting' } }))).toBe(false);
    expect(wakes(streamRecord('MODIFY', conversationKeys, { status: { S: 'closed' } }))).toBe(false);
    // The engine deleting a wake-up item or a conversation's items, and TTL expiring anything but a conversation.
    expect(wakes(streamRecord('REMOVE', wakeUpKeys))).toBe(false);
    expect(wakes(streamRecord('REMOVE', conversationKeys))).toBe(false);
    expect(wakes(streamRecord('REMOVE', entryKeys, undefined, true))).toBe(false);
  });

  it('keeps failed stream records and timer messages in an encrypted dead-letter queue that refuses plain HTTP', () => {
    const { deadLetterQueue, retryQueue } = synthesized.stack.delivery;
    expect(resources('AWS::SQS::Queue')[synthesized.logicalId(deadLetterQueue)]?.Properties).toEqual({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    for (const queue of [deadLetterQueue, retryQueue]) {
      synthesized.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: synthesized.logicalId(queue) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('has a retry queue for retries due before the next sweep, read by DeliverOnTimer', () => {
    const { retryQueue, deadLetterQueue, onTimer } = synthesized.stack.delivery;
    const functions = resources('AWS::Lambda::Function');
    const timerTimeout = functions[synthesized.logicalId(onTimer)]?.Properties.Timeout as number;
    const queue = resources('AWS::SQS::Queue')[synthesized.logicalId(retryQueue)]?.Properties;
    expect(queue).toMatchObject({
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [synthesized.logicalId(deadLetterQueue), 'Arn'] },
        maxReceiveCount: 3,
      },
    });
    // AWS's guidance for a queue that triggers a function.
    expect(queue?.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timerTimeout);
    synthesized.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: synthesized.logicalId(onTimer) },
      EventSourceArn: { 'Fn::GetAtt': [synthesized.logicalId(retryQueue), 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: Match.anyValue() },
    });
  });

  it("lets DeliverOnTimer send to the queue that invokes it without Lambda's recursive-loop detection cutting the chain; no other function", () => {
    const timerId = synthesized.logicalId(synthesized.stack.delivery.onTimer);
    for (const [id, fn] of Object.entries(resources('AWS::Lambda::Function'))) {
      expect(fn.Properties.RecursiveLoop, id).toBe(id === timerId ? 'Allow' : undefined);
    }
  });

  it('gives each delivery function room for several conversations, and the sweep less than its period', () => {
    const timeoutOf = (fn: BridgeFunction) =>
      resources('AWS::Lambda::Function')[synthesized.logicalId(fn)]?.Properties.Timeout;
    const { fromStream, onTimer, sweep } = synthesized.stack.delivery;
    expect([timeoutOf(fromStream), timeoutOf(onTimer), timeoutOf(sweep)]).toEqual([60, 60, 55]);
  });

  it('runs the sweep every minute, and never retries a failed one (EventBridge or Lambda)', () => {
    const sweepId = synthesized.logicalId(synthesized.stack.delivery.sweep);
    synthesized.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [sweepId, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0 },
        }),
      ],
    });
    // Lambda's own asynchronous retries (two by default) would run a failed sweep beside the next one.
    synthesized.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: sweepId },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 60,
    });
  });
});
