import { sendFileInput } from '#api/operator.ts';
import { sendFile } from '#domain/operator.ts';
import { operatorEndpoint } from '#http/operator-endpoint.ts';

/** POST {apiUrl}/sendFile: a client file link for the agents. */
export const handler = operatorEndpoint(sendFileInput, sendFile);
