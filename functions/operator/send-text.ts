import { sendTextInput } from '#api/operator.ts';
import { sendText } from '#domain/operator.ts';
import { operatorEndpoint } from '#http/operator-endpoint.ts';

/** POST {apiUrl}/sendText: a client message for the agents. */
export const handler = operatorEndpoint(sendTextInput, sendText);
