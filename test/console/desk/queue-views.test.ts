import { describe, expect, it } from 'vitest';
import {
  documentTitle,
  inView,
  shownConversations,
  viewCount,
} from '../../../console/src/desk/queue-views.ts';
import { type DeskState, initialDeskState } from '../../../console/src/desk/state.ts';
import { conversation, me } from '../fixtures.ts';

const waiting = conversation({ conversationId: 'w1' });
const waitingSales = conversation({ conversationId: 'w2', destinationId: 'sales' });
const mine = conversation({ conversationId: 'a1', status: 'active', assignee: 'ana' });
const theirs = conversation({ conversationId: 'a2', status: 'active', assignee: 'bo' });
const closed = conversation({ conversationId: 'c1', status: 'closed', assignee: 'ana' });

function state(change: Partial<DeskState> = {}): DeskState {
  return {
    ...initialDeskState,
    me,
    open: [waiting, waitingSales, mine, theirs],
    closed: [closed],
    ...change,
  };
}

describe('the queue views', () => {
  it('puts each conversation in one view: waiting, mine (active and assigned to me) or closed', () => {
    expect(inView(waiting, 'waiting', 'ana')).toBe(true);
    expect(inView(mine, 'mine', 'ana')).toBe(true);
    expect(inView(theirs, 'mine', 'ana')).toBe(false);
    expect(inView(theirs, 'waiting', 'ana')).toBe(false);
    expect(inView(closed, 'closed', 'ana')).toBe(true);
    expect(inView(closed, 'mine', 'ana')).toBe(false);
  });

  it('shows the current view, filtered by destination, in the order listed', () => {
    const ids = (shown: { conversationId: string }[]) => shown.map((c) => c.conversationId);
    expect(ids(shownConversations(state()))).toEqual(['w1', 'w2']);
    expect(ids(shownConversations(state({ destinationFilter: 'sales' })))).toEqual(['w2']);
    expect(ids(shownConversations(state({ view: 'mine' })))).toEqual(['a1']);
    expect(ids(shownConversations(state({ view: 'closed' })))).toEqual(['c1']);
  });

  it('counts each view under the filter, with a plus when older closed ones were not read', () => {
    expect(viewCount(state(), 'waiting')).toBe('2');
    expect(viewCount(state({ destinationFilter: 'sales' }), 'waiting')).toBe('1');
    expect(viewCount(state(), 'mine')).toBe('1');
    expect(viewCount(state(), 'closed')).toBe('1');
    expect(viewCount(state({ closedMore: true }), 'closed')).toBe('1+');
  });

  it('puts the number of waiting clients in the tab title', () => {
    expect(documentTitle([waiting, waitingSales, mine])).toBe('(2) Agent console · Operator Bridge');
    expect(documentTitle([mine])).toBe('Agent console · Operator Bridge');
  });
});
