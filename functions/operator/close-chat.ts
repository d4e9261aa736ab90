import { closeChatInput } from '#api/operator.ts';
import { closeChat } from '#domain/operator.ts';
import { operatorEndpoint } from '#http/operator-endpoint.ts';

/** POST {apiUrl}/closeChat: the client closed the chat. */
export const handler = operatorEndpoint(closeChatInput, closeChat);
