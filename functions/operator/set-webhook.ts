import { setWebhookInput } from '#api/operator.ts';
import { operatorEndpoint } from '#http/operator-endpoint.ts';
import { setWebhook } from '#use-cases/operator/set-webhook.ts';

/** POST {apiUrl}/setWebhook: DialogStudio tells us where to send agent events. */
export const handler = operatorEndpoint(setWebhookInput, setWebhook);
