import { describe, expect, it } from 'vitest';
import { type ChangeRecord, notificationOf } from '#live/notifications.ts';

/** What each kind of table change means to an agent's console: the mapping as a pure function. */
const meta = { pk: 'CONV#cv_1', sk: 'META' };
const message = { pk: 'CONV#cv_1', sk: 'MSG#0000000003' };
const delivery = { status: 'pending', attempts: 0 };

describe('notificationOf', () => {
  it.each<[string, ChangeRecord, ReturnType<typeof notificationOf>]>([
    [
      'a new conversation',
      { eventName: 'INSERT', keys: meta, newImage: { destinationId: 'support' } },
      { notification: { type: 'conversation.created', conversationId: 'cv_1' }, destinationIds: ['support'] },
    ],
    [
      'a conversation that moved: both queues',
      {
        eventName: 'MODIFY',
        keys: meta,
        newImage: { destinationId: 'sales' },
        oldImage: { destinationId: 'support' },
      },
      {
        notification: { type: 'conversation.changed', conversationId: 'cv_1' },
        destinationIds: ['sales', 'support'],
      },
    ],
    [
      'a new transcript entry: the queue is looked up',
      { eventName: 'INSERT', keys: message, newImage: { id: 'cv_1-3' } },
      {
        notification: { type: 'message.created', conversationId: 'cv_1', messageId: 'cv_1-3' },
        destinationIds: [],
      },
    ],
    [
      'a delivery state that changed',
      {
        eventName: 'MODIFY',
        keys: message,
        newImage: { id: 'cv_1-3', delivery },
        oldImage: { delivery: {} },
      },
      {
        notification: { type: 'delivery.changed', conversationId: 'cv_1', messageId: 'cv_1-3' },
        destinationIds: [],
      },
    ],
    [
      'an entry rewritten with the same delivery state',
      { eventName: 'MODIFY', keys: message, newImage: { id: 'cv_1-3', delivery }, oldImage: { delivery } },
      undefined,
    ],
    ['a delivery lease', { eventName: 'MODIFY', keys: { pk: 'CONV#cv_1', sk: 'LEASE' } }, undefined],
    ['a removed conversation (TTL)', { eventName: 'REMOVE', keys: meta }, undefined],
    ['an agent record', { eventName: 'MODIFY', keys: { pk: 'AGENTS', sk: 'AGENT#a' } }, undefined],
    [
      'a live-updates record',
      { eventName: 'INSERT', keys: { pk: 'LIVE#QUEUE#support', sk: 'CONN#c' } },
      undefined,
    ],
  ])('%s', (_name, record, expected) => {
    expect(notificationOf(record)).toEqual(expected);
  });
});
