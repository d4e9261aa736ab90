import { describe, expect, it } from 'vitest';
import type { ConversationChange } from '#domain/conversations/changes.ts';
import { notificationOf } from '#live/notifications.ts';

/** What each kind of change means to an agent's console: the mapping as a pure function. */
describe('notificationOf', () => {
  it.each<[string, ConversationChange, ReturnType<typeof notificationOf>]>([
    [
      'a new conversation',
      { kind: 'conversation-created', conversationId: 'cv_1', destinationIds: ['support'] },
      { notification: { type: 'conversation.created', conversationId: 'cv_1' }, destinationIds: ['support'] },
    ],
    [
      'a conversation that moved: both queues',
      { kind: 'conversation-changed', conversationId: 'cv_1', destinationIds: ['sales', 'support'] },
      {
        notification: { type: 'conversation.changed', conversationId: 'cv_1' },
        destinationIds: ['sales', 'support'],
      },
    ],
    [
      'a new transcript entry: the queue is looked up',
      { kind: 'message-created', conversationId: 'cv_1', messageId: 'cv_1-3' },
      {
        notification: { type: 'message.created', conversationId: 'cv_1', messageId: 'cv_1-3' },
        destinationIds: [],
      },
    ],
    [
      'a delivery state that changed',
      { kind: 'delivery-changed', conversationId: 'cv_1', messageId: 'cv_1-3' },
      {
        notification: { type: 'delivery.changed', conversationId: 'cv_1', messageId: 'cv_1-3' },
        destinationIds: [],
      },
    ],
    ['work for the deliverer', { kind: 'outbox-written', conversationId: 'cv_1' }, undefined],
    [
      'an expired conversation (TTL)',
      { kind: 'conversation-expired', conversationId: 'cv_1', expired: { conversationId: 'cv_1' } },
      undefined,
    ],
  ])('%s', (_name, change, expected) => {
    expect(notificationOf(change)).toEqual(expected);
  });
});
