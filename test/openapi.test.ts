import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '#api/routes.ts';
import { startLocalStack } from '#local/stack.ts';
import { openApiDocument } from '#openapi';
import { root } from './support/clients.ts';

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

  it('declares each path parameter of each route as a required parameter', () => {
    for (const route of routes) {
      const operation = paths[route.path]?.[route.method.toLowerCase()];
      const names = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name);
      const declared = (operation?.parameters ?? []).filter((p) => p.in === 'path');
      expect(
        declared.map((p) => p.name),
        route.name,
      ).toEqual(names);
      for (const parameter of declared) expect(parameter.required, route.name).toBe(true);
    }
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
