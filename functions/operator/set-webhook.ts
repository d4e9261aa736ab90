import { setWebhookInput } from '#api/operator.ts';
import { setWebhook } from '#domain/operator.ts';
import { operatorEndpoint } from '#http/operator-endpoint.ts';

/** POST {apiUrl}/setWebhook: DialogStudio tells us where to send agent events. */
export const handler = operatorEndpoint(setWebhookInput, setWebhook);
