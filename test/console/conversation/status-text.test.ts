import { describe, expect, it } from 'vitest';
import { statusText } from '../../../console/src/conversation/status-text.ts';
import { conversation } from '../fixtures.ts';

describe("a conversation's state in words", () => {
  it('says waiting, closed, with you, or with whom', () => {
    expect(statusText(conversation(), 'ana')).toBe('Waiting');
    expect(statusText(conversation({ status: 'closed', assignee: 'ana' }), 'ana')).toBe('Closed');
    expect(statusText(conversation({ status: 'active', assignee: 'ana' }), 'ana')).toBe('With you');
    expect(statusText(conversation({ status: 'active', assignee: 'bo' }), 'ana')).toBe('With bo');
  });
});
