import { sendTextInput } from '#api/operator.ts';
import { operatorEndpoint } from '#http/operator-endpoint.ts';
import { sendText } from '#use-cases/operator/send-text.ts';

/** POST {apiUrl}/sendText: a client message for the agents. */
export const handler = operatorEndpoint(sendTextInput, sendText);
