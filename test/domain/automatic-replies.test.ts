import { describe, expect, it } from 'vitest';
import {
  closedPeriodAt,
  fillReply,
  localTimeInWords,
  waitingReplyDue,
} from '#domain/conversations/automatic-replies.ts';
import type { Agent, Destination } from '#domain/directory/model.ts';

/** The rules of automatic replies as pure functions: no store, only records and a clock. */

const now = new Date('2026-12-04T10:00:00.000Z'); // a Friday
const timeoutSeconds = 120;
const open = { open: true } as const;
const support: Destination = {
  destinationId: 'support',
  name: 'Support',
  offlineReply: 'We are away',
  waitingReply: 'Still looking for someone, {userName}',
  waitingAfterMinutes: 5,
  createdAt: '2026-01-01T00:00:00.000Z',
};

function agent(changes: Partial<Agent> = {}): Agent {
  return {
    employeeId: 'ada',
    firstName: 'Ada',
    lastName: 'Lovelace',
    destinations: ['support'],
    secretHash: '',
    revoked: false,
    online: true,
    lastSeenAt: new Date(now.getTime() - 30_000).toISOString(),
    createdAt: '2026-01-01T00:00:00.000Z',
    ...changes,
  };
}

const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();

describe('closed periods', () => {
  it('has none while the destination is open and an agent of it is online', () => {
    expect(closedPeriodAt(open, support, [agent()], now, timeoutSeconds)).toBeUndefined();
  });

  it('is keyed by the opening that ends it when closed by hours, even with an agent online', () => {
    const closed = { open: false, opensAt: '2026-12-07T08:00:00.000Z' } as const;
    expect(closedPeriodAt(closed, support, [agent()], now, timeoutSeconds)).toEqual({
      key: 'support:closed:2026-12-07T08:00:00.000Z',
      opensAt: '2026-12-07T08:00:00.000Z',
    });
    expect(closedPeriodAt({ open: false }, support, [], now, timeoutSeconds)).toEqual({
      key: 'support:closed:never',
    });
  });

  it('is keyed by the last presence report of the destination agents when nobody is online', () => {
    const left = agent({ online: false, lastSeenAt: minutesAgo(30) });
    const lapsed = agent({ employeeId: 'bob', lastSeenAt: minutesAgo(10) });
    const elsewhere = agent({ employeeId: 'olga', destinations: ['sales'], lastSeenAt: minutesAgo(1) });
    const period = closedPeriodAt(open, support, [left, lapsed, elsewhere], now, timeoutSeconds);
    // The same stretch a minute later has the same key; a new report starts a new one.
    const later = closedPeriodAt(open, support, [left, lapsed], new Date(now.getTime() + 60_000), 120);
    const afterReport = closedPeriodAt(
      open,
      support,
      [left, { ...lapsed, online: false, lastSeenAt: now.toISOString() }],
      now,
      timeoutSeconds,
    );
    expect(period).toEqual({ key: `support:offline:${minutesAgo(10)}` });
    expect(later).toEqual(period);
    expect(afterReport?.key).toBe(`support:offline:${now.toISOString()}`);
    expect(closedPeriodAt(open, support, [], now, timeoutSeconds)).toEqual({ key: 'support:offline:never' });
  });
});

describe('the waiting reply', () => {
  const waiting = { status: 'waiting' as const, waitingSince: minutesAgo(5) };

  it('is due once the conversation has waited the set minutes', () => {
    expect(waitingReplyDue(support, waiting, now)).toBe(true);
    expect(waitingReplyDue(support, { ...waiting, waitingSince: minutesAgo(4.9) }, now)).toBe(false);
  });

  it('is not due for an accepted conversation, nor twice in one wait, but again in a new wait', () => {
    expect(waitingReplyDue(support, { ...waiting, status: 'active' }, now)).toBe(false);
    expect(waitingReplyDue(support, { ...waiting, waitingReplyKey: waiting.waitingSince }, now)).toBe(false);
    expect(waitingReplyDue(support, { ...waiting, waitingReplyKey: minutesAgo(60) }, now)).toBe(true);
  });

  it('is never due without a reply, minutes, or a known start of the wait', () => {
    const { waitingReply: _reply, ...noReply } = support;
    const { waitingAfterMinutes: _after, ...noMinutes } = support;
    expect(waitingReplyDue(noReply, waiting, now)).toBe(false);
    expect(waitingReplyDue(noMinutes, waiting, now)).toBe(false);
    expect(waitingReplyDue(support, { status: 'waiting' }, now)).toBe(false);
  });
});

describe('placeholders', () => {
  const context = { userName: 'Jane Doe', destinationName: 'Support', now };

  it('fills the user, the destination and the opening in the destination time zone', () => {
    const text = fillReply('Hi {userName}, {destinationName} opens {opensAt}.', {
      ...context,
      opensAt: '2026-12-07T08:00:00.000Z',
      timeZone: 'Europe/Berlin',
    });
    expect(text).toBe('Hi Jane Doe, Support opens Monday 09:00 (Europe/Berlin).');
  });

  it('leaves {opensAt} empty when the opening is unknown, and other braces as written', () => {
    expect(fillReply('Back {opensAt}; {agentFirstName} {userName}', context)).toBe(
      'Back ; {agentFirstName} Jane Doe',
    );
  });

  it('says the date too when the opening is a week or more away, across a daylight-saving change', () => {
    expect(
      localTimeInWords('2027-03-29T07:00:00.000Z', 'Europe/Berlin', new Date('2027-03-20T12:00:00Z')),
    ).toBe('Monday 29 March 09:00 (Europe/Berlin)');
    expect(localTimeInWords('2026-12-05T01:30:00.000Z', 'America/New_York', now)).toBe(
      'Friday 20:30 (America/New_York)',
    );
  });
});
