import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchRoute, routes } from '#api/routes.ts';
import type { Wired } from '#deps';
import { startLocalStack } from '#local/stack.ts';
import { openApiDocument } from '#openapi';
import { type Client, inProcessClient, root } from '../support/clients.ts';
import { assertDeclaredAnswer } from '../support/contract.ts';
import { useDeliveringStore } from '../support/delivering-store.ts';
import { acceptedConversation } from '../support/flows.ts';
import { eventually } from '../support/webhook-receiver.ts';

type Operation = {
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, unknown>;
  security?: unknown[];
};

const document = openApiDocument();
const paths = document.paths as Record<string, Record<string, Operation>>;

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 by the specification JSON Schema', async () => {
    // Act
    const result = await new Validator().validate(structuredClone(document));

    // Assess
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toMatch(/^3\.1\./);
  });

  it('describes every route of the route table with its method, and nothing else', () => {
    // Act
    const described = Object.entries(paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );

    // Assess
    expect(described.sort()).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
  });

  it('declares each path parameter of each route, on the route and in the document', () => {
    for (const route of routes) {
      const operation = paths[route.path]?.[route.method.toLowerCase()];
      const names = [...route.path.matchAll(/\{(\w+)\+?\}/g)].map(([, name]) => name);
      expect(Object.keys(route.params?.shape ?? {}), route.name).toEqual(names);
      const declared = (operation?.parameters ?? []).filter((p) => p.in === 'path');
      expect(
        declared.map((p) => p.name),
        route.name,
      ).toEqual(names);
      for (const parameter of declared) expect(parameter.required, route.name).toBe(true);
    }
  });

  it('documents every answer from its declared schema: no generic object anywhere', () => {
    // Prepare
    const objectsWithoutShape: string[] = [];
    const walk = (value: unknown, at: string) => {
      if (Array.isArray(value)) {
        value.forEach((item, i) => {
          walk(item, `${at}/${i}`);
        });
      }
      if (typeof value !== 'object' || value === null) return;
      const schema = value as Record<string, unknown>;
      // An object schema names its properties, or (a record, such as `attributes`) its keys.
      if (schema.type === 'object' && !schema.properties && !schema.propertyNames)
        objectsWithoutShape.push(at);
      for (const [key, child] of Object.entries(schema)) walk(child, `${at}/${key}`);
    };

    // Act
    walk(document.paths, '');

    // Assess
    expect(objectsWithoutShape).toEqual([]);
    for (const route of routes) {
      const success = paths[route.path]?.[route.method.toLowerCase()]?.responses[route.response.status] as
        | { content: Record<string, { schema: Record<string, unknown> }> }
        | undefined;
      const [media] = Object.values(success?.content ?? {});
      expect(media?.schema, route.name).toBeDefined();
    }
    expect(paths['/agent/conversations/{conversationId}/messages']?.get?.responses['200']).toMatchObject({
      content: {
        'application/json': {
          schema: { properties: { messages: { items: { properties: { delivery: { type: 'object' } } } } } },
        },
      },
    });
  });

  it('takes request bodies from the zod schemas, input side', () => {
    // Act
    const sendText =
      paths['/operator/{token}/sendText']?.post?.requestBody?.content['application/json']?.schema;
    const sendFile =
      paths['/operator/{token}/sendFile']?.post?.requestBody?.content['application/json']?.schema;
    const closeChat =
      paths['/operator/{token}/closeChat']?.post?.requestBody?.content['application/json']?.schema;

    // Assess
    expect(sendText).toMatchObject({
      type: 'object',
      properties: { userId: { type: 'string', maxLength: 256 }, text: { type: 'string', maxLength: 32_000 } },
      required: ['userId', 'text'],
    });
    // `size` comes as a number or a numeric string, as DialogStudio's page allows.
    const size = JSON.stringify((sendFile?.properties as Record<string, unknown> | undefined)?.size);
    expect(size).toContain('"string"');
    expect(size).toContain('"integer"');
    // A client's close is never refused for a missing text.
    expect(closeChat?.required).toEqual(['userId']);
  });

  it('puts the Agent API behind the bearer token and the query strings in parameters', () => {
    const list = paths['/agent/conversations']?.get;
    expect(list?.security).toEqual([{ agentToken: [] }]);
    expect(list?.parameters?.map((p) => `${p.in} ${p.name}`)).toEqual(
      expect.arrayContaining(['query status', 'query destinationId']),
    );
    expect(paths['/agent/conversations/{conversationId}/messages']?.post?.responses).toHaveProperty('202');
    expect(paths['/agent/conversations/{conversationId}/messages']?.post?.parameters).toContainEqual(
      expect.objectContaining({ in: 'header', name: 'idempotency-key', required: false }),
    );
  });
});

let fixture: Awaited<ReturnType<typeof useDeliveringStore>> | undefined;
// Once the whole file is done: the handlers' deps, built once per process, keep pointing at this store,
// and the local runtime below serves from it too.
afterAll(() => fixture?.close());

describe("each route's real answers, against its declared response", () => {
  let deps: Wired;
  let receiver: Awaited<ReturnType<typeof useDeliveringStore>>['receiver'];
  beforeAll(async () => {
    fixture = await useDeliveringStore();
    ({ deps, receiver } = fixture);
  });
  afterAll(() => fixture?.stopDelivery());

  it('answers every JSON route as declared: status and body, strictly (the test clients check each answer)', async () => {
    // Prepare: the in-process client checks every answer with `assertDeclaredAnswer`; this one also
    // records which routes answered a success, so a route left out of the walk below fails the test.
    const succeeded = new Set<string>();
    const client: Client = async (method, path, body, headers) => {
      const reply = await inProcessClient(method, path, body, headers);
      const match = matchRoute(method, path.split('?')[0] ?? path);
      if (match.kind === 'route' && reply.status < 300) succeeded.add(match.route.name);
      return reply;
    };
    const flow = await acceptedConversation(client, deps, receiver.url('/contract'));
    const { api, path, agent, sales } = flow;

    // Act: every route, with the answers that carry optional fields (next, delivery states, closedAt).
    await client('POST', `${api}/sendText`, { userId: 'client-1', text: 'hello' });
    await client('POST', `${api}/sendFile`, {
      userId: 'client-1',
      url: 'https://example.com/a.pdf',
      size: '12',
    });
    await client('GET', `${api}/getDestinations`);
    await client('POST', `${api}/closeChat`, { userId: 'nobody-open' });
    await client('GET', '/agent/me', undefined, agent.auth);
    await client('PUT', '/agent/me/presence', { online: true }, agent.auth);
    await client('GET', '/agent/destinations', undefined, agent.auth);
    await client('GET', '/agent/canned-replies', undefined, agent.auth);
    await client('GET', '/agent/conversations?limit=1', undefined, agent.auth);
    const deliveryOf = async (id: string) =>
      (await client('GET', `${path}/messages?limit=500`, undefined, agent.auth)).body.messages.find(
        (message: { id: string }) => message.id === id,
      )?.delivery;
    const delivered = await flow.say('this one arrives');
    await eventually(
      () => deliveryOf(delivered),
      (state) => state?.status === 'delivered',
    );
    receiver.script(() => 400);
    const failed = await flow.say('this one fails');
    await eventually(
      () => deliveryOf(failed),
      (state) => state?.status === 'failed',
    );
    await client('GET', `${path}/messages?limit=1`, undefined, agent.auth);
    await client('POST', `${path}/messages/${failed}/retry`, undefined, agent.auth);
    await client('POST', `${path}/transfer`, { destinationId: sales.destinationId }, agent.auth);
    await client('POST', `${path}/accept`, undefined, agent.auth);
    await client('POST', '/agent/live/ticket', undefined, agent.auth);
    await client('POST', `${path}/close`, undefined, agent.auth);
    await client('GET', '/agent/conversations?status=closed', undefined, agent.auth);
    await client('POST', `${api}/selectDestination`, { userId: 'client-2', destinationId: 'no-such-group' });
    await client('POST', `${api}/closeChat`, { userId: 'client-2', text: 'bye' });
    await client('POST', `${api}/setWebhook`, { url: receiver.url('/contract') });
    await client('GET', '/openapi.json');

    // Assess
    const jsonRoutes = routes.filter((route) => 'body' in route.response).map((route) => route.name);
    expect([...succeeded].sort()).toEqual(jsonRoutes.sort());
  }, 60_000);

  it('fails an answer that drifts from its declaration: a missing field, an undeclared one, another status', () => {
    const answer = { id: 'cv_1#00000001', unexpected: true };
    expect(() =>
      assertDeclaredAnswer('POST', '/agent/conversations/cv_1/messages', 202, { id: 'x' }),
    ).not.toThrow();
    expect(() => assertDeclaredAnswer('POST', '/agent/conversations/cv_1/messages', 202, answer)).toThrow(
      /SendMessage's answer does not match/,
    );
    expect(() => assertDeclaredAnswer('GET', '/agent/me', 200, { employeeId: 'e' })).toThrow(/firstName/);
    expect(() =>
      assertDeclaredAnswer('POST', '/agent/conversations/cv_1/messages', 200, { id: 'x' }),
    ).toThrow(/declares 202/);
    expect(() => assertDeclaredAnswer('GET', '/agent/me', 401, { message: 'no' })).toThrow(/no error body/);
  });
});

describe('GET /openapi.json on the local runtime', () => {
  let stack: Awaited<ReturnType<typeof startLocalStack>>;
  beforeAll(async () => {
    process.env.TABLE_NAME = 'operator-bridge-openapi-test';
    stack = await startLocalStack({ port: 0, host: '127.0.0.1', root });
  });
  afterAll(() => stack.close());

  it('serves the generated document without credentials', async () => {
    // Act
    const response = await fetch(`${stack.baseUrl}/openapi.json`);

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toEqual(JSON.parse(JSON.stringify(document)));
  });
});
