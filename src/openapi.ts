import { z } from 'zod';
import {
  agentMessageInput,
  conversationsQuery,
  messagesQuery,
  presenceInput,
  transferInput,
} from '#api/agent.ts';
import {
  closeChatInput,
  selectDestinationInput,
  sendFileInput,
  sendTextInput,
  setWebhookInput,
} from '#api/operator.ts';
import { type Route, routes } from '#api/routes.ts';

/**
 * The OpenAPI 3.1 description of the Operator API and the Agent API, generated from the route table
 * and the zod schemas: a route added to the table appears here by itself, and a route whose schemas
 * are not listed below gets a generic JSON object instead of failing the document.
 */

type Schema = z.core.$ZodType;

/** The JSON body each route reads, by route name. */
const requestBodies: Record<string, Schema> = {
  SetWebhook: setWebhookInput,
  SendText: sendTextInput,
  SendFile: sendFileInput,
  CloseChat: closeChatInput,
  SelectDestination: selectDestinationInput,
  SetPresence: presenceInput,
  SendMessage: agentMessageInput,
  TransferConversation: transferInput,
};

/** The query string each route reads, by route name: an object schema, one parameter per property. */
const queries: Record<string, Schema> = {
  ListConversations: conversationsQuery,
  ListMessages: messagesQuery,
};

/** Routes that answer something other than 200 on success. */
const successStatus: Record<string, number> = { SendMessage: 202 };

/** Request headers a route reads besides `Authorization`. */
const headers: Record<string, { name: string; description: string }[]> = {
  SendMessage: [
    { name: 'Idempotency-Key', description: 'A repeat with the same key answers the first answer' },
  ],
};

const errorEnvelope = z.object({
  error: z.object({
    code: z.string().meta({ description: 'stable, machine-readable' }),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })),
  }),
});

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: Schema): JsonSchema {
  // What a caller sends (the input side of transforms); checks JSON Schema cannot say are left out.
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as JsonSchema;
  return rest;
}

const genericObject: JsonSchema = { type: 'object', additionalProperties: true };

function jsonContent(schema: JsonSchema) {
  return { 'application/json': { schema } };
}

function pathParameters(path: string) {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
    ...(name === 'token' && { description: "The channel token: the credential in the channel's API URL" }),
  }));
}

function queryParameters(routeName: string) {
  const query = queries[routeName];
  if (!query) return [];
  const { properties = {}, required = [] } = jsonSchema(query) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(properties).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.includes(name),
    schema,
  }));
}

function operation(route: Route) {
  const body = requestBodies[route.name];
  const isAgentApi = route.path.startsWith('/agent/');
  const parameters = [
    ...pathParameters(route.path),
    ...queryParameters(route.name),
    ...(headers[route.name] ?? []).map(({ name, description }) => ({
      name,
      in: 'header',
      required: false,
      description,
      schema: { type: 'string' },
    })),
  ];
  const status = String(successStatus[route.name] ?? 200);
  return {
    operationId: route.name.charAt(0).toLowerCase() + route.name.slice(1),
    tags: [isAgentApi ? 'Agent API' : route.path.startsWith('/operator/') ? 'Operator API' : 'Meta'],
    ...(isAgentApi && { security: [{ agentToken: [] }] }),
    ...(parameters.length > 0 && { parameters }),
    ...(route.method !== 'GET' && {
      requestBody: {
        required: body !== undefined,
        content: jsonContent(body ? jsonSchema(body) : genericObject),
      },
    }),
    responses: {
      [status]: { description: 'Success', content: jsonContent(genericObject) },
      '4XX': {
        description: 'A mistake of the caller',
        content: jsonContent({ $ref: '#/components/schemas/Error' }),
      },
      '500': {
        description: 'A failure on our side',
        content: jsonContent({ $ref: '#/components/schemas/Error' }),
      },
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
      schemas: { Error: jsonSchema(errorEnvelope) },
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
