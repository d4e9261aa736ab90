import { sendFileInput } from '#api/operator.ts';
import { operatorEndpoint } from '#http/operator-endpoint.ts';
import { sendFile } from '#use-cases/operator/send-file.ts';

/** POST {apiUrl}/sendFile: a client file link for the agents. */
export const handler = operatorEndpoint(sendFileInput, sendFile);
