import { z } from 'zod';
import { type Route, routes } from '#api/routes.ts';
import { errorBody } from '#api/shared.ts';

/**
 * The OpenAPI 3.1 description of the Operator API and the Agent API, generated from the route table:
 * each route's path parameters, query, headers, body and success answer come from the schemas on its
 * entry, which its handler validates with; every error is the one `errorBody`.
 */

type Schema = z.core.$ZodType;
type JsonSchema = Record<string, unknown>;

/** What a caller sends (the input side of transforms), or what a route answers (the output side). */
function jsonSchema(schema: Schema, io: 'input' | 'output'): JsonSchema {
  // Checks JSON Schema cannot say (refinements) are left out.
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as JsonSchema;
  return rest;
}

/** One parameter per property of an object schema (path, query or header). */
function parameters(where: 'path' | 'query' | 'header', schema: Schema | undefined) {
  if (!schema) return [];
  const { properties = {}, required = [] } = jsonSchema(schema, 'input') as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(properties).map(([name, { description, ...rest }]) => ({
    name,
    in: where,
    required: where === 'path' || required.includes(name),
    ...(typeof description === 'string' && { description }),
    schema: rest,
  }));
}

function successContent(response: Route['response']) {
  if ('body' in response) return { 'application/json': { schema: jsonSchema(response.body, 'output') } };
  return response.file === 'html'
    ? { 'text/html': { schema: { type: 'string' } } }
    : { '*/*': { schema: { type: 'string', description: 'The file, with its own content type' } } };
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

function operation(route: Route) {
  const isAgentApi = route.path.startsWith('/agent/');
  const parameterList = [
    ...parameters('path', route.params),
    ...parameters('query', route.query),
    ...parameters('header', route.headers),
  ];
  return {
    operationId: route.name.charAt(0).toLowerCase() + route.name.slice(1),
    tags: [isAgentApi ? 'Agent API' : route.path.startsWith('/operator/') ? 'Operator API' : 'Meta'],
    ...(isAgentApi && { security: [{ agentToken: [] }] }),
    ...(parameterList.length > 0 && { parameters: parameterList }),
    ...(route.input && {
      requestBody: {
        required: true,
        content: { 'application/json': { schema: jsonSchema(route.input, 'input') } },
      },
    }),
    responses: {
      [String(route.response.status)]: { description: 'Success', content: successContent(route.response) },
      '4XX': errorResponse('A mistake of the caller'),
      '500': errorResponse('A failure on our side'),
    },
  };
}

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Operator Bridge',
      version: '0.1.0',
      description:
        'The Operator API that Tovie DialogStudio calls (`/operator/{token}/...`) and the Agent API that agents and agent applications call (`/agent/...`, bearer token).',
    },
    // Relative: the document is served by the API it describes, whatever its public address.
    servers: [{ url: '/' }],
    tags: [
      {
        name: 'Operator API',
        description: 'Called by DialogStudio; the channel token in the path is the credential',
      },
      { name: 'Agent API', description: 'Called by agents and agent applications with their bearer token' },
    ],
    paths,
    components: {
      schemas: { Error: jsonSchema(errorBody, 'output') },
      securitySchemes: {
        agentToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'The agent token, `{employeeId}.{secret}`',
        },
      },
    },
  };
}
