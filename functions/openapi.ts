import middy from '@middy/core';
import { json } from '#http/responses.ts';
import { openApiDocument } from '#openapi';

/** Built on first use and kept for the life of the function: it depends on the code only. */
let document: ReturnType<typeof openApiDocument> | undefined;

/** GET /openapi.json: the OpenAPI 3.1 description of the Operator API and the Agent API. */
export const handler = middy().handler(async () => {
  document ??= openApiDocument();
  return json(200, document, { 'cache-control': 'public, max-age=300' });
});
