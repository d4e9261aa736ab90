import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../console/src/api.ts';
import { firstResponseText, waitingFrom } from '../../console/src/conversation/first-response.ts';

const base: Conversation = {
  conversationId: 'cv_1',
  channelId: 'ch_1',
  userId: 'u1',
  userName: 'Marta',
  destinationId: 'support',
  status: 'active',
  attributes: {},
  customData: {},
  createdAt: '2026-12-04T10:00:00.000Z',
  lastMessageAt: '2026-12-04T10:00:00.000Z',
};

describe('wait and first response in the console', () => {
  it('counts the first response from waitingSince', () => {
    const conversation = {
      ...base,
      waitingSince: '2026-12-04T10:01:00.000Z',
      firstResponseAt: '2026-12-04T10:04:30.000Z',
    };
    expect(firstResponseText(conversation)).toBe('first response in 3 min');
  });

  it('says seconds under a minute, and hours with minutes', () => {
    expect(firstResponseText({ ...base, firstResponseAt: '2026-12-04T10:00:42.000Z' })).toBe(
      'first response in 42 s',
    );
    expect(firstResponseText({ ...base, firstResponseAt: '2026-12-04T12:05:00.000Z' })).toBe(
      'first response in 2 h 5 min',
    );
  });

  it('counts from creation without waitingSince, or when it started waiting again after the answer', () => {
    const requeued = {
      ...base,
      waitingSince: '2026-12-04T11:00:00.000Z',
      firstResponseAt: '2026-12-04T10:02:00.000Z',
    };
    expect(firstResponseText(requeued)).toBe('first response in 2 min');
    expect(waitingFrom(base)).toBe(base.createdAt);
    expect(waitingFrom(requeued)).toBe(requeued.waitingSince);
  });

  it('says not answered yet while open, never answered once closed', () => {
    expect(firstResponseText(base)).toBe('not answered yet');
    expect(firstResponseText({ ...base, status: 'closed' })).toBe('never answered');
  });
});
