import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { consoleFiles } from '#console-files';
import { consoleResponse } from '#http/console-response.ts';

/** GET /console and /console/{file+}: the agent console, from the files built into this function. */
export const handler = middy<APIGatewayProxyEventV2>().handler(async (event) =>
  consoleResponse(consoleFiles(), event.rawPath, process.env.LIVE_UPDATES_URL),
);
