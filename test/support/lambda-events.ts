import { randomUUID } from 'node:crypto';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyWebsocketEventV2,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  ScheduledEvent,
  SQSEvent,
} from 'aws-lambda';
import { matchRoute } from '#api/routes.ts';
import {
  httpApiEvent as buildHttpApiEvent,
  webSocketEvent as buildWebSocketEvent,
} from '#local/api-gateway-event.ts';

const region = 'us-east-1';
const account = '123456789012';

const api = {
  accountId: account,
  apiId: 'a1b2c3d4e5',
  domainName: 'a1b2c3d4e5.execute-api.us-east-1.amazonaws.com',
  stage: '$default',
};

/**
 * The event an HTTP API (payload format 2.0) hands a Lambda integration for a DialogStudio-like
 * caller: the headers API Gateway adds, the route template as `routeKey`, path parameters, and a body
 * that is base64-encoded unless its content type is text (`#local/api-gateway-event.ts` builds it).
 */
export function httpApiEvent(
  method: string,
  target: string,
  options: { body?: string; headers?: Record<string, string> } = {},
): APIGatewayProxyEventV2 {
  const url = new URL(target, `https://${api.domainName}`);
  const match = matchRoute(method, url.pathname);
  const headers: Record<string, string> = {
    accept: '*/*',
    host: api.domainName,
    'user-agent': 'DialogStudio/1.0',
    'x-amzn-trace-id': `Root=1-${randomUUID().slice(0, 8)}-${randomUUID().replaceAll('-', '').slice(0, 24)}`,
    'x-forwarded-for': '192.0.2.1',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
    ...(options.body !== undefined && { 'content-length': String(Buffer.byteLength(options.body)) }),
    ...options.headers,
  };
  const request = {
    method,
    target: `${url.pathname}${url.search}`,
    headers,
    ...(options.body !== undefined && { body: Buffer.from(options.body) }),
    sourceIp: '192.0.2.1',
  };
  return match.kind === 'route'
    ? buildHttpApiEvent(api, request, {
        routeKey: `${match.route.method} ${match.route.path}`,
        pathParameters: match.pathParameters,
      })
    : buildHttpApiEvent(api, request, { routeKey: '$default' });
}

/** A DynamoDB stream batch of inserts with these new images, as the event source mapping sends it. */
export function dynamoDbStreamEvent(
  tableName: string,
  images: NonNullable<DynamoDBRecord['dynamodb']>['NewImage'][],
): DynamoDBStreamEvent {
  return {
    Records: images.map((image, i) => ({
      eventID: randomUUID().replaceAll('-', ''),
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: region,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
        Keys: { pk: image?.pk ?? { S: 'pk' }, sk: image?.sk ?? { S: 'sk' } },
        NewImage: image,
        SequenceNumber: (10n ** 20n + BigInt(i)).toString(),
        SizeBytes: JSON.stringify(image).length,
        StreamViewType: 'NEW_IMAGE',
      },
      eventSourceARN: `arn:aws:dynamodb:${region}:${account}:table/${tableName}/stream/2026-01-01T00:00:00.000`,
    })),
  };
}

/** What an EventBridge schedule (`rate(1 minute)`) sends. */
export function scheduledEvent(): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account,
    time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    region,
    resources: [`arn:aws:events:${region}:${account}:rule/OperatorBridge-Sweep`],
    detail: {},
  };
}

/** What an SQS event source mapping sends: one record per message body. */
export function sqsEvent(queueName: string, bodies: unknown[]): SQSEvent {
  return {
    Records: bodies.map((body) => ({
      messageId: randomUUID(),
      receiptHandle: randomUUID(),
      body: JSON.stringify(body),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: account,
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${region}:${account}:${queueName}`,
      awsRegion: region,
    })),
  };
}

/** What a WebSocket API hands `$connect` or `$disconnect` (`$connect` with the query string). */
export function webSocketEvent(
  routeKey: '$connect' | '$disconnect',
  connectionId: string,
  queryStringParameters?: Record<string, string>,
): APIGatewayProxyWebsocketEventV2 {
  const event = buildWebSocketEvent(
    { ...api, apiId: 'abc123', domainName: `abc123.execute-api.${region}.amazonaws.com`, stage: 'live' },
    {
      routeKey,
      connectionId,
      connectedAt: Date.now(),
      ...(queryStringParameters && { query: new URLSearchParams(queryStringParameters) }),
    },
  );
  // Connection events carry no message; the type declares one anyway.
  return { ...event, requestContext: { ...event.requestContext, messageId: '' } };
}
