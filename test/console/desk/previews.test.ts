import { describe, expect, it } from 'vitest';
import { lastWritten, previewText, stalePreviews } from '../../../console/src/desk/previews.ts';
import { conversation, message } from '../fixtures.ts';

describe("the queue's previews", () => {
  it('reads a text as is and a file by its name, else its URL', () => {
    expect(previewText(message({ text: 'hi' }))).toBe('hi');
    expect(
      previewText(message({ type: 'file', text: undefined, url: 'https://x/a.pdf', name: 'A.pdf' })),
    ).toBe('File: A.pdf');
    expect(previewText(message({ type: 'file', text: undefined, url: 'https://x/a.pdf' }))).toBe(
      'File: https://x/a.pdf',
    );
    expect(previewText(undefined)).toBe('');
  });

  it('previews the last message a person wrote, not a system note', () => {
    const messages = [
      message({ id: '1', text: 'first' }),
      message({ id: '2', from: 'agent', text: 'second' }),
      message({ id: '3', from: 'system', type: 'note', text: 'transferred' }),
    ];
    expect(lastWritten(messages)?.id).toBe('2');
    expect(lastWritten([])).toBeUndefined();
  });

  it("previews a message that carried the bot conversation as the client's last turn in it", () => {
    const messages = [
      message({ id: '1', from: 'system', type: 'note', text: 'opened' }),
      message({ id: '2', text: 'My parcel is late', history: true }),
      message({ id: '3', from: 'bot', text: 'What is the number?', history: true }),
      message({ id: '4', text: 'TR-4711', history: true }),
      message({ id: '5', from: 'bot', text: 'An agent will help', history: true }),
      message({ id: '6', text: 'CLIENT\nMy parcel is late\n\nBOT\nWhat is the number?' }),
    ];
    expect(lastWritten(messages)?.id).toBe('4');
    expect(lastWritten([...messages, message({ id: '7', from: 'agent', text: 'Hi' })])?.id).toBe('7');
  });

  it('reads again only the conversations whose last message is newer than their preview, at most 50', () => {
    const fresh = conversation({ conversationId: 'fresh' });
    const stale = conversation({ conversationId: 'stale' });
    const previews = {
      fresh: { at: fresh.lastMessageAt, text: 'x' },
      stale: { at: '2026-01-01T09:00:00.000Z', text: 'y' },
    };
    const unseen = Array.from({ length: 60 }, (_, i) => conversation({ conversationId: `n${i}` }));
    expect(stalePreviews([fresh, stale], previews).map((c) => c.conversationId)).toEqual(['stale']);
    expect(stalePreviews(unseen, {})).toHaveLength(50);
  });
});
