import type { LiveNotification } from '#api/live.ts';
import type { ConversationChange } from '#domain/conversations/changes.ts';

/** A notification and the queues whose listeners get it; none known means "the conversation's current one". */
export interface AddressedNotification {
  notification: LiveNotification;
  destinationIds: string[];
}

/**
 * What a change means to agents: a conversation created or changed (told to the queue it is in and to
 * the one it left), a transcript entry added, or an event's delivery state changed. Work for the
 * deliverer and expiries mean nothing to them.
 */
export function notificationOf(change: ConversationChange): AddressedNotification | undefined {
  const { conversationId } = change;
  switch (change.kind) {
    case 'conversation-created':
    case 'conversation-changed':
      return {
        notification: {
          type: change.kind === 'conversation-created' ? 'conversation.created' : 'conversation.changed',
          conversationId,
        },
        destinationIds: change.destinationIds,
      };
    case 'message-created':
    case 'delivery-changed':
      return {
        notification: {
          type: change.kind === 'message-created' ? 'message.created' : 'delivery.changed',
          conversationId,
          ...(change.messageId && { messageId: change.messageId }),
        },
        destinationIds: [],
      };
    default:
      return undefined;
  }
}
