import { randomUUID } from 'node:crypto';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyWebsocketEventV2,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  ScheduledEvent,
  SQSEvent,
} from 'aws-lambda';
import { matchRoute } from '#routes';

const region = 'us-east-1';
const account = '123456789012';

/** `12/Mar/2020:19:03:58 +0000`, the format of `requestContext.time`. */
function gatewayTime(date: Date): string {
  const [, day, month, year, time] = /^\w+, (\d+) (\w+) (\d+) ([\d:]+)/.exec(date.toUTCString()) ?? [];
  return `${day?.padStart(2, '0')}/${month}/${year}:${time} +0000`;
}

/**
 * The event an HTTP API (payload format 2.0) hands a Lambda integration, shaped like the sample in
 * API Gateway's documentation ("Working with AWS Lambda proxy integrations for HTTP APIs"): lower-case
 * headers with the ones API Gateway adds, the route template as `routeKey`, path parameters, and a
 * body that is base64-encoded unless its content type is text.
 */
export function httpApiEvent(
  method: string,
  target: string,
  options: { body?: string; headers?: Record<string, string> } = {},
): APIGatewayProxyEventV2 {
  const url = new URL(target, 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com');
  const match = matchRoute(method, url.pathname);
  const routeKey = match.kind === 'route' ? `${match.route.method} ${match.route.path}` : '$default';
  const headers: Record<string, string> = {
    accept: '*/*',
    host: url.host,
    'user-agent': 'DialogStudio/1.0',
    'x-amzn-trace-id': `Root=1-${randomUUID().slice(0, 8)}-${randomUUID().replaceAll('-', '').slice(0, 24)}`,
    'x-forwarded-for': '192.0.2.1',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
    ...(options.body !== undefined && { 'content-length': String(Buffer.byteLength(options.body)) }),
    ...options.headers,
  };
  const textual = /^(application\/json|text\/)/.test(headers['content-type'] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(url.search && { queryStringParameters: Object.fromEntries(url.searchParams) }),
    requestContext: {
      accountId: account,
      apiId: 'a1b2c3d4e5',
      domainName: url.host,
      domainPrefix: 'a1b2c3d4e5',
      http: {
        method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: '192.0.2.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: `${randomUUID().slice(0, 14)}=`,
      routeKey,
      stage: '$default',
      time: gatewayTime(now),
      timeEpoch: now.getTime(),
    },
    ...(match.kind === 'route' &&
      Object.keys(match.pathParameters).length > 0 && { pathParameters: match.pathParameters }),
    ...(options.body !== undefined && {
      body: textual ? options.body : Buffer.from(options.body).toString('base64'),
    }),
    isBase64Encoded: options.body !== undefined && !textual,
  };
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
  const now = new Date();
  return {
    requestContext: {
      routeKey,
      eventType: routeKey === '$connect' ? 'CONNECT' : 'DISCONNECT',
      connectionId,
      // Connection events carry no message; the type declares it anyway.
      messageId: '',
      extendedRequestId: randomUUID(),
      requestTime: gatewayTime(now),
      requestTimeEpoch: now.getTime(),
      messageDirection: 'IN',
      stage: 'live',
      connectedAt: now.getTime(),
      requestId: randomUUID(),
      domainName: `abc123.execute-api.${region}.amazonaws.com`,
      apiId: 'abc123',
    },
    ...(queryStringParameters && { queryStringParameters }),
    isBase64Encoded: false,
  };
}
