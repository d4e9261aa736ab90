import { describe, expect, it } from 'vitest';
import type { CannedReply } from '../../console/src/api.ts';
import { cannedQuery, searchCannedReplies } from '../../console/src/conversation/canned-search.ts';

function reply(shortcut: string, title: string): CannedReply {
  return { replyId: `rpl_${shortcut}`, destinationId: 'support', shortcut, title, text: `${title} text` };
}

const replies = [
  reply('bye', 'Goodbye'),
  reply('hello', 'Greeting'),
  reply('help', 'Say hello again'),
  reply('refund', 'Refunds'),
];

describe('the composer’s canned-reply search', () => {
  it('opens on a / at the start of one line, with what follows as the query', () => {
    expect(cannedQuery('/')).toBe('');
    expect(cannedQuery('/HeL')).toBe('hel');
    expect(cannedQuery('hi /hel')).toBeUndefined();
    expect(cannedQuery('/hel\nmore')).toBeUndefined();
    expect(cannedQuery('')).toBeUndefined();
  });

  it('lists shortcuts that start with the query first, then shortcuts and titles that contain it', () => {
    expect(searchCannedReplies(replies, 'hel').map((r) => r.shortcut)).toEqual(['hello', 'help']);
    expect(searchCannedReplies(replies, 'hello').map((r) => r.shortcut)).toEqual(['hello', 'help']);
    expect(searchCannedReplies(replies, 'fund').map((r) => r.shortcut)).toEqual(['refund']);
    expect(searchCannedReplies(replies, 'good').map((r) => r.shortcut)).toEqual(['bye']);
    expect(searchCannedReplies(replies, '').map((r) => r.shortcut)).toEqual([
      'bye',
      'hello',
      'help',
      'refund',
    ]);
    expect(searchCannedReplies(replies, 'nothing')).toEqual([]);
  });

  it('lists at most eight', () => {
    const many = Array.from({ length: 12 }, (_, i) => reply(`r${String(i).padStart(2, '0')}`, 'Title'));
    expect(searchCannedReplies(many, 'r')).toHaveLength(8);
  });
});
