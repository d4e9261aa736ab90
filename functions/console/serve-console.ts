import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { loadConfig } from '#config';
import { consoleFiles } from '#console-files';
import { consoleResponse } from '#http/console-response.ts';

/** The live-updates WebSocket (`LIVE_URL`) the page may connect to: its own API on AWS, unset locally. */
const { LIVE_URL } = loadConfig();

/** GET /console and /console/{file+}: the agent console, from the files built into this function. */
export const handler = middy<APIGatewayProxyEventV2>().handler(async (event) =>
  consoleResponse(consoleFiles(), event.rawPath, LIVE_URL),
);
