import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dynamoDbNeeds, type Principal, Principals, sqsNeeds, startServiceProxy } from './aws-proxy.ts';
import type { Pattern } from './event-filter.ts';
import { awsJson, QueueMapping, Schedule, StreamMapping } from './event-sources.ts';
import { type HttpRoute, startHttpApi, startWebSocketApi, type WebSocketApi } from './gateway.ts';
import { roleOf } from './iam.ts';
import { LocalFunction } from './lambda.ts';
import {
  account,
  apiId,
  type Physical,
  physicalName,
  queueArn,
  Resolver,
  referencedId,
  region,
  type Template,
  tableArn,
  urlSuffix,
} from './template.ts';

/**
 * The synthesized template (`cdk.out`), deployed on this machine: every function from its own bundle
 * with the environment and role the template gives it, the table on DynamoDB Local, the queues on
 * moto, each API Gateway route, event source mapping and schedule as the template wires them.
 */
export interface AwsLocalOptions {
  /** A `cdk.out` directory (the template and its bundled assets). */
  cdkOut: string;
  stackName?: string;
  /** The template itself, when a test changes it (a grant removed, a filter changed). */
  template?: Template;
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  /**
   * Variables set on every function on top of the template's. The one this project's tests set is
   * `ALLOW_PRIVATE_WEBHOOKS=true`: the webhook receiver of a machine without internet is on loopback.
   */
  environmentOverrides?: Record<string, string>;
  /** Fixed ports for the HTTP API, the WebSocket API and its management endpoint (0: any). */
  ports?: { http?: number; webSocket?: number; management?: number };
  /** Copy every function's log lines to stderr. */
  echoLogs?: boolean;
  /** Start each schedule's timer (off in tests, which fire the schedule themselves). */
  schedules?: boolean;
}

export interface AwsLocal {
  apiUrl: string;
  consoleUrl: string;
  liveUrl: string;
  managementUrl: string;
  tableName: string;
  dynamodbEndpoint: string;
  /** Functions by the name of their construct (`SendText`, `DeliverFromStream`, ...). */
  functions: Map<string, LocalFunction>;
  streamMappings: StreamMapping[];
  queueMappings: QueueMapping[];
  schedules: Schedule[];
  queues: Map<string, { url: string; arn: string }>;
  principals: Principals;
  webSocket: WebSocketApi;
  httpRequests: { routeKey: string; status: number }[];
  fn(name: string): LocalFunction;
  /** Waits until every stream mapping has read the stream to its end and handed its records over. */
  settle(): Promise<void>;
  /**
   * DynamoDB's TTL, which DynamoDB Local lacks: deletes the items whose TTL attribute is at or before
   * `nowSeconds`, and their REMOVE stream records carry the identity TTL's deletions carry
   * (`userIdentity: {type: "Service", principalId: "dynamodb.amazonaws.com"}`).
   */
  expireItems(nowSeconds: number): Promise<number>;
  /** Messages waiting in a queue (for dead-letter queues). */
  queueDepth(logicalId: string): Promise<number>;
  stop(): Promise<void>;
}

export function readTemplate(cdkOut: string, stackName = 'OperatorBridge'): Template {
  return JSON.parse(readFileSync(join(cdkOut, `${stackName}.template.json`), 'utf8')) as Template;
}

export async function startAwsLocal(options: AwsLocalOptions): Promise<AwsLocal> {
  const baseName = options.stackName ?? 'OperatorBridge';
  const template = options.template ?? readTemplate(options.cdkOut, baseName);
  // A deployment of its own: several can share one DynamoDB Local and one moto.
  const stackName = `${baseName}-${randomBytes(3).toString('hex')}`;
  const physical = new Map<string, Physical>();
  const resolver = new Resolver(template, stackName, physical);
  const stops: (() => Promise<void> | void)[] = [];
  const principals = new Principals();

  // The table, as the template defines it, with its stream.
  const [tableId, tableResource] = resolver.ofType('AWS::DynamoDB::Table')[0] ?? [];
  if (!tableId || !tableResource) throw new Error('The template has no table');
  const tableProps = tableResource.Properties as Record<string, unknown>;
  const tableName = physicalName(stackName, tableId);
  const stream = tableProps.StreamSpecification as { StreamViewType: string } | undefined;
  const created = (await awsJson(options.dynamodbEndpoint, 'DynamoDB_20120810.CreateTable', {
    TableName: tableName,
    AttributeDefinitions: tableProps.AttributeDefinitions,
    KeySchema: tableProps.KeySchema,
    BillingMode: tableProps.BillingMode ?? 'PROVISIONED',
    ...(tableProps.GlobalSecondaryIndexes
      ? { GlobalSecondaryIndexes: tableProps.GlobalSecondaryIndexes }
      : {}),
    ...(stream && { StreamSpecification: { StreamEnabled: true, StreamViewType: stream.StreamViewType } }),
  })) as { TableDescription: { LatestStreamArn?: string } };
  const streamArn = created.TableDescription.LatestStreamArn ?? '';
  physical.set(tableId, { ref: tableName, attributes: { Arn: tableArn(tableName), StreamArn: streamArn } });
  const ttlAttribute = (tableProps.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean })
    ?.Enabled
    ? (tableProps.TimeToLiveSpecification as { AttributeName: string }).AttributeName
    : undefined;

  // The service proxies, where each function's calls meet its role.
  const hashKey = (schema: unknown) =>
    (schema as { AttributeName: string; KeyType: string }[]).find((key) => key.KeyType === 'HASH')
      ?.AttributeName ?? '';
  const partitionKeys = {
    table: hashKey(tableProps.KeySchema),
    indexes: Object.fromEntries(
      ((tableProps.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown }[]) ?? []).map(
        (index) => [index.IndexName, hashKey(index.KeySchema)],
      ),
    ),
  };
  const dynamodbProxy = await startServiceProxy(
    options.dynamodbEndpoint,
    principals,
    dynamoDbNeeds(partitionKeys),
    400,
  );
  const sqsProxy = await startServiceProxy(options.sqsEndpoint, principals, sqsNeeds, 403);
  stops.push(
    () => dynamodbProxy.close(),
    () => sqsProxy.close(),
  );

  // The queues, dead-letter queues first.
  const queues = new Map<string, { url: string; arn: string }>();
  const queueResources = resolver
    .ofType('AWS::SQS::Queue')
    .sort(
      ([, a], [, b]) =>
        Number(Boolean(a.Properties?.RedrivePolicy)) - Number(Boolean(b.Properties?.RedrivePolicy)),
    );
  for (const [id, resource] of queueResources) {
    const name = physicalName(stackName, id);
    const url = `${sqsProxy.url}/${account}/${name}`;
    const arn = queueArn(name);
    physical.set(id, { ref: url, attributes: { Arn: arn, QueueName: name, QueueUrl: url } });
    const props = resource.Properties ?? {};
    const attributes: Record<string, string> = {};
    for (const key of [
      'VisibilityTimeout',
      'MessageRetentionPeriod',
      'DelaySeconds',
      'ReceiveMessageWaitTimeSeconds',
    ]) {
      if (props[key] !== undefined) attributes[key] = String(props[key]);
    }
    if (props.RedrivePolicy) attributes.RedrivePolicy = JSON.stringify(resolver.resolve(props.RedrivePolicy));
    await awsJson(options.sqsEndpoint, 'AmazonSQS.CreateQueue', { QueueName: name, Attributes: attributes });
    queues.set(id, { url, arn });
  }

  // API Gateway: servers first, so that their URLs can stand in for the template's.
  const httpRoutes: HttpRoute[] = [];
  const apis = resolver.ofType('AWS::ApiGatewayV2::Api');
  const httpApiEntry = apis.find(([, resource]) => resource.Properties?.ProtocolType !== 'WEBSOCKET');
  const webSocketApiEntry = apis.find(([, resource]) => resource.Properties?.ProtocolType === 'WEBSOCKET');
  const httpApiId = apiId(httpApiEntry?.[0] ?? 'none');
  const webSocketApiId = apiId(webSocketApiEntry?.[0] ?? 'none');
  const httpApi = await startHttpApi(httpApiId, httpRoutes, options.ports?.http);
  stops.push(() => httpApi.close());
  const webSocketRoutes = new Map<string, LocalFunction>();
  const webSocketStage = resolver
    .ofType('AWS::ApiGatewayV2::Stage')
    .find(([, stage]) => referencedId(stage.Properties?.ApiId) === webSocketApiEntry?.[0]);
  const stageName = String(webSocketStage?.[1].Properties?.StageName ?? 'live');
  const webSocket = await startWebSocketApi({
    apiId: webSocketApiId,
    stage: stageName,
    routes: webSocketRoutes,
    principals,
    port: options.ports?.webSocket,
    managementPort: options.ports?.management,
  });
  stops.push(() => webSocket.close());
  const host = (id: string) => `${id}.execute-api.${region}.${urlSuffix}`;
  const localUrls = (value: string) =>
    value
      .replaceAll(`https://${host(httpApiId)}`, httpApi.url)
      .replaceAll(`wss://${host(webSocketApiId)}`, webSocket.url.replace(new RegExp(`/${stageName}$`), ''))
      .replaceAll(
        `https://${host(webSocketApiId)}`,
        webSocket.managementUrl.replace(new RegExp(`/${stageName}$`), ''),
      );

  // The functions, each with its bundle, environment and role.
  const functions = new Map<string, LocalFunction>();
  const byLogicalId = new Map<string, LocalFunction>();
  let keyNumber = 0;
  for (const [id, resource] of resolver.ofType('AWS::Lambda::Function')) {
    const props = resource.Properties ?? {};
    const name = resolver.ref(id);
    const arn = resolver.getAtt(id, 'Arn');
    const assetPath = resource.Metadata?.['aws:asset:path'];
    if (typeof assetPath !== 'string') throw new Error(`${id} has no bundled asset in ${options.cdkOut}`);
    const [file, handler = 'handler'] = String(props.Handler ?? 'index.handler').split('.');
    const bundle = ['.mjs', '.js', '.cjs']
      .map((extension) => join(options.cdkOut, assetPath, `${file}${extension}`))
      .find((candidate) => existsSync(candidate));
    if (!bundle) throw new Error(`${id}: no ${file}.mjs in ${assetPath}`);
    const variables = resolver.resolve(
      (props.Environment as { Variables?: unknown })?.Variables ?? {},
    ) as Record<string, string>;
    const accessKeyId = `ASIALOCAL${String(keyNumber++).padStart(8, '0')}`;
    const environment: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      TZ: ':UTC',
      LANG: 'en_US.UTF-8',
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: randomBytes(20).toString('base64'),
      AWS_SESSION_TOKEN: randomBytes(32).toString('base64'),
      AWS_LAMBDA_FUNCTION_NAME: name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(props.MemorySize ?? 128),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
      AWS_EXECUTION_ENV: `AWS_Lambda_${String(props.Runtime ?? 'nodejs22.x')}`,
      _HANDLER: String(props.Handler ?? 'index.handler'),
      LOCAL_FUNCTION_ARN: arn,
      // The SDK's service endpoints: the proxies that check the role.
      AWS_ENDPOINT_URL_DYNAMODB: dynamodbProxy.url,
      AWS_ENDPOINT_URL_SQS: sqsProxy.url,
      AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
      ...Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, localUrls(String(value))])),
      ...options.environmentOverrides,
    };
    const fn = new LocalFunction(
      { logicalId: id, name, arn, bundle, handler, timeoutSeconds: Number(props.Timeout ?? 3), environment },
      3,
      options.echoLogs,
    );
    const role = roleOf(resolver, id);
    const principal: Principal = { functionName: name, role };
    principals.add(accessKeyId, principal);
    const cdkPath = String(resource.Metadata?.['aws:cdk:path'] ?? id).split('/');
    functions.set(cdkPath.at(-2) ?? id, fn);
    byLogicalId.set(id, fn);
    stops.push(() => fn.stop());
  }
  const functionByArn = (value: unknown) => {
    const text = String(resolver.resolve(value));
    for (const [id, fn] of byLogicalId) if (text.includes(resolver.getAtt(id, 'Arn'))) return { id, fn };
    return undefined;
  };
  // API Gateway may invoke a function only where a Lambda permission lets it.
  const invokableByApiGateway = new Set(
    resolver
      .ofType('AWS::Lambda::Permission')
      .filter(([, permission]) => permission.Properties?.Principal === 'apigateway.amazonaws.com')
      .map(([, permission]) => referencedId(permission.Properties?.FunctionName)),
  );

  // Routes: each to the function of its integration.
  for (const [, route] of resolver.ofType('AWS::ApiGatewayV2::Route')) {
    const props = route.Properties ?? {};
    const integrationId = /^integrations\/(.+)$/.exec(String(resolver.resolve(props.Target)))?.[1];
    const integration = integrationId ? resolver.template.Resources[integrationId] : undefined;
    const target = integration ? functionByArn(integration.Properties?.IntegrationUri) : undefined;
    if (!target) continue;
    const fn = invokableByApiGateway.has(target.id) ? target.fn : undefined;
    const routeKey = String(props.RouteKey);
    const apiOf = referencedId(props.ApiId);
    if (apiOf === webSocketApiEntry?.[0]) {
      if (fn) webSocketRoutes.set(routeKey, fn);
    } else if (fn) {
      httpRoutes.push({ routeKey, fn });
    }
  }

  // TTL's deletions, marked so that their stream records carry TTL's identity.
  const expiredKeys = new Set<string>();
  const keyOf = (keys: unknown) =>
    JSON.stringify(Object.entries(keys as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)));
  const identityOf = (record: { eventName: string; dynamodb: { Keys: unknown } }) =>
    record.eventName === 'REMOVE' && expiredKeys.has(keyOf(record.dynamodb.Keys))
      ? { type: 'Service', principalId: 'dynamodb.amazonaws.com' }
      : undefined;
  const sendToQueue = async (queueUrl: string, body: string) => {
    await awsJson(options.sqsEndpoint, 'AmazonSQS.SendMessage', { QueueUrl: queueUrl, MessageBody: body });
  };

  // Event source mappings.
  const streamMappings: StreamMapping[] = [];
  const queueMappings: QueueMapping[] = [];
  for (const [id, mapping] of resolver.ofType('AWS::Lambda::EventSourceMapping')) {
    const props = mapping.Properties ?? {};
    if (props.Enabled === false) continue;
    const fnId = referencedId(props.FunctionName) as string;
    const fn = byLogicalId.get(fnId);
    if (!fn) continue;
    const role = roleOf(resolver, fnId);
    const sourceArn = String(resolver.resolve(props.EventSourceArn));
    const reportBatchItemFailures = ((props.FunctionResponseTypes as string[]) ?? []).includes(
      'ReportBatchItemFailures',
    );
    if (sourceArn === streamArn) {
      const destinationArn = (props.DestinationConfig as { OnFailure?: { Destination?: unknown } })?.OnFailure
        ?.Destination;
      const destination = destinationArn ? String(resolver.resolve(destinationArn)) : undefined;
      const failureQueue = [...queues.values()].find((queue) => queue.arn === destination);
      const filters = ((props.FilterCriteria as { Filters?: { Pattern: string }[] })?.Filters ?? []).map(
        (filter) => JSON.parse(filter.Pattern) as Pattern,
      );
      streamMappings.push(
        new StreamMapping(
          {
            id,
            fn,
            role,
            streamArn,
            batchSize: Number(props.BatchSize ?? 100),
            startingPosition: props.StartingPosition === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON',
            filters,
            bisect: props.BisectBatchOnFunctionError === true,
            maximumRetryAttempts: Number(props.MaximumRetryAttempts ?? -1),
            maximumRecordAgeSeconds: Number(props.MaximumRecordAgeInSeconds ?? -1),
            reportBatchItemFailures,
            onFailureQueueUrl: failureQueue?.url.replace(sqsProxy.url, options.sqsEndpoint),
            onFailureQueueArn: failureQueue?.arn,
          },
          options.dynamodbEndpoint,
          identityOf,
          sendToQueue,
        ),
      );
      continue;
    }
    const queue = [...queues.values()].find((candidate) => candidate.arn === sourceArn);
    if (!queue) throw new Error(`${id}: event source ${sourceArn} is not emulated here`);
    queueMappings.push(
      new QueueMapping(
        {
          id,
          fn,
          role,
          queueUrl: queue.url.replace(sqsProxy.url, options.sqsEndpoint),
          queueArn: queue.arn,
          batchSize: Number(props.BatchSize ?? 10),
          reportBatchItemFailures,
        },
        options.sqsEndpoint,
      ),
    );
  }
  for (const mapping of streamMappings) await mapping.start();
  for (const mapping of queueMappings) mapping.start();
  stops.unshift(...streamMappings.map((mapping) => () => mapping.stop()));
  stops.unshift(...queueMappings.map((mapping) => () => mapping.stop()));

  // Schedules: EventBridge rules with a schedule expression, each target a function of the template.
  const schedules: Schedule[] = [];
  for (const [id, rule] of resolver.ofType('AWS::Events::Rule')) {
    const props = rule.Properties ?? {};
    if (!props.ScheduleExpression || props.State === 'DISABLED') continue;
    for (const target of (props.Targets as { Arn: unknown }[]) ?? []) {
      const found = functionByArn(target.Arn);
      if (!found) continue;
      const schedule = new Schedule(
        id,
        `arn:aws:events:${region}:${account}:rule/${physicalName(stackName, id)}`,
        String(props.ScheduleExpression),
        found.fn,
      );
      if (options.schedules) schedule.start();
      stops.push(() => schedule.stop());
      schedules.push(schedule);
    }
  }

  const consoleRoute = httpRoutes.find((route) => route.routeKey === 'GET /console');
  return {
    apiUrl: httpApi.url,
    consoleUrl: `${httpApi.url}${consoleRoute ? '/console/' : '/'}`,
    liveUrl: webSocket.url,
    managementUrl: webSocket.managementUrl,
    tableName,
    dynamodbEndpoint: options.dynamodbEndpoint,
    functions,
    streamMappings,
    queueMappings,
    schedules,
    queues,
    principals,
    webSocket,
    httpRequests: httpApi.requests,
    fn(name) {
      const found = functions.get(name);
      if (!found) throw new Error(`The template has no function ${name}`);
      return found;
    },
    async settle() {
      await Promise.all(streamMappings.map((mapping) => mapping.settled()));
    },
    async expireItems(nowSeconds) {
      if (!ttlAttribute) return 0;
      let deleted = 0;
      let startKey: unknown;
      const keyNames = (tableProps.KeySchema as { AttributeName: string }[]).map(
        ({ AttributeName }) => AttributeName,
      );
      do {
        const page = (await awsJson(options.dynamodbEndpoint, 'DynamoDB_20120810.Scan', {
          TableName: tableName,
          FilterExpression: '#ttl <= :now',
          ExpressionAttributeNames: { '#ttl': ttlAttribute },
          ExpressionAttributeValues: { ':now': { N: String(nowSeconds) } },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        })) as { Items?: Record<string, unknown>[]; LastEvaluatedKey?: unknown };
        for (const item of page.Items ?? []) {
          const key = Object.fromEntries(keyNames.map((name) => [name, item[name]]));
          expiredKeys.add(keyOf(key));
          await awsJson(options.dynamodbEndpoint, 'DynamoDB_20120810.DeleteItem', {
            TableName: tableName,
            Key: key,
          });
          deleted += 1;
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return deleted;
    },
    async queueDepth(logicalId) {
      const queue = queues.get(logicalId);
      if (!queue) throw new Error(`The template has no queue ${logicalId}`);
      const { Attributes } = (await awsJson(options.sqsEndpoint, 'AmazonSQS.GetQueueAttributes', {
        QueueUrl: queue.url.replace(sqsProxy.url, options.sqsEndpoint),
        AttributeNames: ['ApproximateNumberOfMessages'],
      })) as { Attributes: Record<string, string> };
      return Number(Attributes.ApproximateNumberOfMessages);
    },
    async stop() {
      for (const stop of stops) await stop();
    },
  };
}
