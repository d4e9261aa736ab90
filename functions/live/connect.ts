import type { APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { liveConnectQuery } from '#api/live.ts';
import { defaultDeps } from '#deps';
import { AppError, ValidationError } from '#domain/shared/errors.ts';
import { errorResponse, type HttpResult } from '#http/responses.ts';
import { openConnection } from '#live/connections.ts';
import { managementUrlOf } from '#live/sessions.ts';
import { logger } from '#logger';

export type ConnectEvent = APIGatewayProxyWebsocketEventV2 & {
  queryStringParameters?: Record<string, string | undefined>;
};

/** WebSocket `$connect`: `?ticket=` from `POST /agent/live/ticket`; any answer but 200 refuses the connection. */
export const handler = async (event: ConnectEvent): Promise<HttpResult> => {
  const { connectionId } = event.requestContext;
  try {
    const query = liveConnectQuery.safeParse(event.queryStringParameters ?? {});
    if (!query.success) {
      throw new ValidationError('invalid_query', 'ticket: required', [
        { path: 'ticket', message: 'required' },
      ]);
    }
    const deps = defaultDeps();
    // The local runtime's sockets have no management API: it closes them itself.
    const { apiId, stage } = event.requestContext;
    const managementUrl =
      apiId && apiId !== 'local' ? managementUrlOf({ apiId, stage }, deps.config.AWS_REGION) : undefined;
    const { employeeId } = await openConnection(deps, connectionId, query.data.ticket, managementUrl);
    logger.info('live connected', { connectionId, employeeId });
    return { statusCode: 200 };
  } catch (error) {
    if (error instanceof AppError) logger.info('live connection refused', { connectionId, code: error.code });
    else logger.error('live connect failed', { connectionId, error: error as Error });
    return errorResponse(error);
  }
};
