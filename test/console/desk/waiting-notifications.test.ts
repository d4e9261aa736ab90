import { describe, expect, it } from 'vitest';
import { newlyWaiting } from '../../../console/src/desk/waiting-notifications.ts';
import { conversation } from '../fixtures.ts';

describe('which waiting conversations raise a notification', () => {
  it('none on the first look; afterwards, each that started waiting since the last look', () => {
    const a = conversation({ conversationId: 'a' });
    const b = conversation({ conversationId: 'b' });
    const active = conversation({ conversationId: 'c', status: 'active', assignee: 'ana' });
    const first = newlyWaiting(undefined, [a, active]);
    expect(first.fresh).toEqual([]);
    expect([...first.seen]).toEqual(['a']);
    const second = newlyWaiting(first.seen, [a, b, active]);
    expect(second.fresh.map((c) => c.conversationId)).toEqual(['b']);
    // One that was accepted and then came back waiting notifies again.
    const third = newlyWaiting(newlyWaiting(second.seen, [b]).seen, [a, b]);
    expect(third.fresh.map((c) => c.conversationId)).toEqual(['a']);
  });
});
