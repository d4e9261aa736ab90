import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { fallbackRoute, matchRoute } from '#api/routes.ts';
import type { Wired } from '#deps';
import type { Deps } from '#domain/shared/deps.ts';
import { createAgent } from '#use-cases/admin/create-agent.ts';
import { createChannel } from '#use-cases/admin/create-channel.ts';
import { createDestination } from '#use-cases/admin/create-destination.ts';
import { assertDeclaredAnswer } from './contract.ts';
import { httpApiEvent } from './lambda-events.ts';

export const root = resolve(import.meta.dirname, '../..');

export interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON replies are checked field by field by the assertions
  body: any;
}

/** One way to reach the API: in-process handler calls or real HTTP. The test cases don't know which. */
export type Client = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<Reply>;

function rawBody(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  return typeof body === 'string' ? body : JSON.stringify(body);
}

/** Invokes the route table's handler in this process with the HTTP API event API Gateway would send. */
export const inProcessClient: Client = async (method, target, body, headers = {}) => {
  const event = httpApiEvent(method, target, {
    body: rawBody(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
  const match = matchRoute(method, event.rawPath);
  const route = match.kind === 'route' ? match.route : undefined;
  const module = await import(pathToFileURL(resolve(root, route?.entry ?? fallbackRoute.entry)).href);
  const result = (await module.handler(event, {
    awsRequestId: randomUUID(),
  } as Context)) as APIGatewayProxyStructuredResultV2;
  const reply = { status: result.statusCode ?? 200, body: JSON.parse(result.body ?? 'null') };
  assertDeclaredAnswer(method, event.rawPath, reply.status, reply.body);
  return reply;
};

export function httpClient(baseUrl: string): Client {
  return async (method, path, body, headers = {}) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: rawBody(body),
    });
    const reply = { status: response.status, body: await response.json() };
    assertDeclaredAnswer(method, path, reply.status, reply.body);
    return reply;
  };
}

/** A channel with two destinations, as a DialogStudio user would have after setup. */
export async function seedChannel(deps: Deps) {
  const suffix = randomUUID().slice(0, 8);
  const support = await createDestination(deps, { destinationId: `support-${suffix}`, name: 'Support' });
  const sales = await createDestination(deps, { destinationId: `sales-${suffix}`, name: 'Sales' });
  const { channel, token } = await createChannel(deps, {
    name: 'Test',
    defaultDestinationId: support.destinationId,
  });
  return { channel, token, api: `/operator/${token}`, support, sales };
}

/** An agent of the given destinations, with the header that authenticates it. */
export async function seedAgent(deps: Deps, destinations: string[], firstName = 'Ada') {
  const { agent, token } = await createAgent(deps, {
    firstName,
    lastName: 'Lovelace',
    avatarUrl: 'https://example.com/ada.png',
    destinations,
  });
  return { agent, token, auth: { authorization: `Bearer ${token}` } };
}

/**
 * Every item in the table: tests compare it before and after a refused request. The deliverer's
 * own bookkeeping (delivery state, its index keys, the lease and cursors on a conversation) is left out: it runs in the background
 * and may move any time.
 */
export async function tableSnapshot(deps: Wired): Promise<string> {
  const { Items = [] } = await deps.db.doc.send(new ScanCommand({ TableName: deps.db.tableName }));
  return JSON.stringify(
    Items.map(
      ({
        delivery: _delivery,
        gsi1pk: _pk,
        gsi1sk: _sk,
        leaseOwner: _owner,
        leaseUntil: _until,
        anotherPass: _again,
        cursors: _cursors,
        redriven: _redriven,
        redriveVersion: _redrives,
        failedEvents: _failedEvents,
        ...item
      }) => `${item.pk}|${item.sk}|${JSON.stringify(item)}`,
    ).sort(),
  );
}
