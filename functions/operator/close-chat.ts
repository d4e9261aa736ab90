import { closeChatInput } from '#api/operator.ts';
import { operatorEndpoint } from '#http/operator-endpoint.ts';
import { closeChat } from '#use-cases/operator/close-chat.ts';

/** POST {apiUrl}/closeChat: the client closed the chat. */
export const handler = operatorEndpoint(closeChatInput, closeChat);
