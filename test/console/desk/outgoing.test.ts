import { describe, expect, it } from 'vitest';
import { outgoingOf, withError, without, withSending } from '../../../console/src/desk/outgoing.ts';

describe('replies on their way', () => {
  it('gives each new reply its own 128-bit Idempotency-Key, and a retry the same key', () => {
    const first = outgoingOf('c-1', { text: 'hi' }, undefined);
    const second = outgoingOf('c-1', { text: 'hi' }, undefined);
    expect(first.key).toMatch(/^[0-9a-f]{32}$/);
    expect(second.key).not.toBe(first.key);
    expect(outgoingOf('c-1', { text: 'hi' }, first)).toBe(first);
  });

  it('keeps one entry per key: sending again clears the error and moves it last', () => {
    const a = { key: 'a', conversationId: 'c-1', content: { text: 'a' } };
    const b = { key: 'b', conversationId: 'c-1', content: { text: 'b' } };
    const failed = withError(withSending(withSending([], a), b), 'a', 'The server cannot be reached.');
    expect(failed.map((item) => [item.key, item.error])).toEqual([
      ['a', 'The server cannot be reached.'],
      ['b', undefined],
    ]);
    const again = withSending(failed, a);
    expect(again.map((item) => [item.key, item.error])).toEqual([
      ['b', undefined],
      ['a', undefined],
    ]);
    expect(without(again, 'a').map((item) => item.key)).toEqual(['b']);
  });
});
