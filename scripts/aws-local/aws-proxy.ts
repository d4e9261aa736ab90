import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestContext, Role } from './iam.ts';
import { queueArn, tableArn } from './template.ts';

/**
 * The AWS services a function calls, each behind a proxy that checks the call against the function's
 * execution role before passing it on: DynamoDB (to DynamoDB Local) and SQS (to moto). A function signs
 * with the access key its environment got, which names its role here as the credentials Lambda hands
 * out name the role in AWS; a call its role does not allow gets the AccessDeniedException AWS gives, and
 * goes no further.
 */
export interface Principal {
  functionName: string;
  role: Role;
}

export interface Denial {
  functionName: string;
  action: string;
  resource: string;
}

/** One action a call needs on one resource, with what a condition may test (never logged). */
export type Need = [action: string, resource: string, context?: RequestContext];

export class Principals {
  readonly byAccessKey = new Map<string, Principal>();
  readonly denials: Denial[] = [];
  /**
   * What each function asked of each service, allowed or not, by operation (`dynamodb:Query`): one per
   * request, and one per item for transactions and batches, as they are billed.
   */
  readonly calls = new Map<string, Map<string, number>>();

  count(principal: Principal, operation: string, items = 1): void {
    const byOperation = this.calls.get(principal.functionName) ?? new Map<string, number>();
    byOperation.set(operation, (byOperation.get(operation) ?? 0) + items);
    this.calls.set(principal.functionName, byOperation);
  }

  add(accessKeyId: string, principal: Principal): void {
    this.byAccessKey.set(accessKeyId, principal);
  }

  /** The caller of a signed request, from its `Authorization: AWS4-HMAC-SHA256 Credential=<key>/...`. */
  caller(request: IncomingMessage): Principal | undefined {
    const key = /Credential=([^/,\s]+)\//.exec(String(request.headers.authorization ?? ''))?.[1];
    return key ? this.byAccessKey.get(key) : undefined;
  }

  /** The first (action, resource) the caller's role does not allow, recorded, or undefined. */
  check(principal: Principal, needs: Need[]): Denial | undefined {
    for (const [action, resource, context] of needs) {
      if (!principal.role.allows(action, resource, context)) {
        const denial = { functionName: principal.functionName, action, resource };
        this.denials.push(denial);
        return denial;
      }
    }
    return undefined;
  }
}

export interface Listening {
  url: string;
  close(): Promise<void>;
}

type Needs = (operation: string, body: Record<string, unknown>) => Need[];

/** The partition key attribute of the table and of each of its global secondary indexes. */
export interface PartitionKeys {
  table: string;
  indexes: Record<string, string>;
}

type AttributeMap = Record<string, Record<string, unknown>>;

/**
 * What a DynamoDB call needs: each item of a transaction or a batch its own action, on the table or index
 * it names, with the partition keys it touches (`dynamodb:LeadingKeys`): an item's key, or a query's
 * partition key from its key condition.
 */
export const dynamoDbNeeds =
  (keys: PartitionKeys): Needs =>
  (operation, body) => {
    const resourceOf = (input: Record<string, unknown>) =>
      `${tableArn(String(input.TableName))}${input.IndexName ? `/index/${String(input.IndexName)}` : ''}`;
    const leading = (values: (string | undefined)[]): RequestContext => ({
      'dynamodb:LeadingKeys': values.filter((value): value is string => value !== undefined),
    });
    const keyOf = (item: unknown) => {
      const value = (item as AttributeMap | undefined)?.[keys.table]?.S;
      return typeof value === 'string' ? value : undefined;
    };
    const partitionsOf = (input: Record<string, unknown>): RequestContext => {
      if (input.Key || input.Item) return leading([keyOf(input.Key ?? input.Item)]);
      if (typeof input.KeyConditionExpression === 'string') {
        const attribute = input.IndexName ? keys.indexes[String(input.IndexName)] : keys.table;
        return leading([queriedPartition(input, attribute) ?? '']);
      }
      return leading([]);
    };
    if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
      const actions: Record<string, string> = {
        Put: 'PutItem',
        Update: 'UpdateItem',
        Delete: 'DeleteItem',
        ConditionCheck: 'ConditionCheckItem',
        Get: 'GetItem',
      };
      return ((body.TransactItems as Record<string, Record<string, unknown>>[]) ?? []).flatMap((item) =>
        Object.entries(item).map(
          ([kind, input]): Need => [
            `dynamodb:${actions[kind] ?? kind}`,
            resourceOf(input),
            partitionsOf(input),
          ],
        ),
      );
    }
    if (operation === 'BatchGetItem') {
      const requests = (body.RequestItems as Record<string, { Keys?: unknown[] }>) ?? {};
      return Object.entries(requests).map(([table, request]) => [
        'dynamodb:BatchGetItem',
        tableArn(table),
        leading((request.Keys ?? []).map(keyOf)),
      ]);
    }
    if (operation === 'BatchWriteItem') {
      const requests =
        (body.RequestItems as Record<string, Record<string, { Item?: unknown; Key?: unknown }>[]>) ?? {};
      return Object.entries(requests).map(([table, writes]) => [
        'dynamodb:BatchWriteItem',
        tableArn(table),
        leading(writes.map((write) => keyOf(write.PutRequest?.Item ?? write.DeleteRequest?.Key))),
      ]);
    }
    if (typeof body.StreamArn === 'string') return [[`dynamodb:${operation}`, body.StreamArn]];
    return [[`dynamodb:${operation}`, body.TableName ? resourceOf(body) : '*', partitionsOf(body)]];
  };

/**
 * The partition key value a query's key condition fixes: the `attribute = :value` clause (the attribute
 * by name or `#placeholder`), as DynamoDB requires one for the partition key.
 */
function queriedPartition(input: Record<string, unknown>, attribute: string | undefined): string | undefined {
  const names = (input.ExpressionAttributeNames as Record<string, string> | undefined) ?? {};
  const values = (input.ExpressionAttributeValues as AttributeMap | undefined) ?? {};
  for (const clause of String(input.KeyConditionExpression).split(/\s+and\s+/i)) {
    const match = /^\(?\s*([#\w.]+)\s*=\s*(:\w+)\s*\)?$/.exec(clause.trim());
    if (!match) continue;
    const [, nameToken = '', valueToken = ''] = match;
    const name = names[nameToken] ?? nameToken;
    const value = values[valueToken]?.S;
    if (name === attribute && typeof value === 'string') return value;
  }
  return undefined;
}

/** What an SQS call needs: the action on the queue its URL (or name) names. */
export const sqsNeeds: Needs = (operation, body) => {
  const name =
    typeof body.QueueUrl === 'string'
      ? body.QueueUrl.split('/').at(-1)
      : (body.QueueName as string | undefined);
  return [[`sqs:${operation}`, name ? queueArn(name) : '*']] satisfies Need[];
};

export async function startServiceProxy(
  target: string,
  principals: Principals,
  needs: Needs,
  denialStatus: number,
): Promise<Listening> {
  const server = createServer((request, response) => {
    void handle(request, response).catch((error) => {
      response.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify({ __type: 'InternalFailure', message: String(error) }));
    });
  });
  async function handle(request: IncomingMessage, response: ServerResponse) {
    const body = await readBody(request);
    const operation =
      String(request.headers['x-amz-target'] ?? '')
        .split('.')
        .at(-1) ?? '';
    const principal = principals.caller(request);
    if (!principal) {
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(
        JSON.stringify({
          __type: 'com.amazon.coral.service#UnrecognizedClientException',
          message: 'The security token included in the request is invalid.',
        }),
      );
      return;
    }
    const parsed = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    const needed = needs(operation, parsed);
    const items = operation.startsWith('Transact')
      ? needed.length
      : operation.startsWith('Batch')
        ? needed.reduce((sum, [, , context]) => sum + (context?.['dynamodb:LeadingKeys']?.length ?? 1), 0)
        : 1;
    principals.count(principal, `${needed[0]?.[0].split(':')[0] ?? 'aws'}:${operation}`, items);
    const denial = principals.check(principal, needed);
    if (denial) {
      response.writeHead(denialStatus, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-query-error': 'AccessDenied;Sender',
      });
      response.end(
        JSON.stringify({
          __type: 'com.amazon.coral.service#AccessDeniedException',
          message: principal.role.denial(denial.action, denial.resource, principal.functionName),
        }),
      );
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of [
      'content-type',
      'x-amz-target',
      'authorization',
      'x-amz-date',
      'x-amz-security-token',
    ]) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const upstream = await fetch(`${target}${request.url ?? '/'}`, {
      method: request.method,
      headers,
      body: request.method === 'GET' ? undefined : new Uint8Array(body),
    });
    const answer = Buffer.from(await upstream.arrayBuffer());
    const passed: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (!['content-length', 'transfer-encoding', 'connection'].includes(name)) passed[name] = value;
    });
    response.writeHead(upstream.status, passed);
    response.end(answer);
  }
  return listen(server);
}

export function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export async function listen(server: Server, port = 0): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
