import { describe, expect, it } from 'vitest';
import type { Destination } from '../../../console/src/api.ts';
import { closedText, hoursText, weeklyText } from '../../../console/src/queue/group-hours.ts';

/** How "Your groups" reads a group's business hours, with the agent's zone given instead of the browser's. */

const berlinHours = {
  timeZone: 'Europe/Berlin',
  weekly: [
    ...(['mon', 'tue', 'wed', 'thu', 'fri'] as const).map((day) => ({ day, from: '09:00', to: '18:00' })),
    { day: 'sat' as const, from: '10:00', to: '14:00' },
  ],
  closedOn: [],
};
// Friday 2026-12-04, 18:30 in Berlin: closed until Monday 09:00 Berlin, 08:00 UTC.
const now = new Date('2026-12-04T17:30:00.000Z');
const closedSupport: Destination = {
  destinationId: 'support',
  name: 'Support',
  hasOnline: false,
  agents: [],
  hours: berlinHours,
  openNow: false,
  opensAt: '2026-12-07T08:00:00.000Z',
};

describe("a group's hours in the console", () => {
  it('joins days with the same times, and says when a group has none', () => {
    expect(weeklyText(berlinHours.weekly)).toBe('mon-fri 09:00-18:00, sat 10:00-14:00');
    expect(
      weeklyText([
        { day: 'fri', from: '22:00', to: '02:00' },
        { day: 'mon', from: '08:00', to: '12:00' },
      ]),
    ).toBe('mon 08:00-12:00, fri 22:00-02:00');
    expect(weeklyText([])).toBe('no opening hours');
  });

  it("names the group's zone only when it is not the agent's", () => {
    expect(hoursText(berlinHours, 'Europe/Berlin')).toBe('mon-fri 09:00-18:00, sat 10:00-14:00');
    expect(hoursText(berlinHours, 'UTC')).toBe('mon-fri 09:00-18:00, sat 10:00-14:00 (Europe/Berlin)');
    expect(hoursText(undefined, 'UTC')).toBe('always open');
  });

  it("tells until when a closed group stays closed, in the agent's time and the group's", () => {
    expect(closedText(closedSupport, 'Europe/Berlin', now)).toBe('closed until Mon 09:00');
    expect(closedText(closedSupport, 'UTC', now)).toBe('closed until Mon 08:00 (Mon 09:00 Europe/Berlin)');
    expect(closedText(closedSupport, 'America/St_Johns', now)).toBe(
      'closed until Mon 04:30 (Mon 09:00 Europe/Berlin)',
    );
  });

  it('gives the date when the opening is a week or more away, and plain closed when there is none', () => {
    const afterHolidays = { ...closedSupport, opensAt: '2026-12-28T08:00:00.000Z' };
    const never = { ...closedSupport, hours: { ...berlinHours, weekly: [] }, opensAt: undefined };
    expect(closedText(afterHolidays, 'Europe/Berlin', now)).toBe('closed until Mon 28 Dec 09:00');
    expect(closedText(never, 'Europe/Berlin', now)).toBe('closed');
    expect(closedText({ ...closedSupport, openNow: true }, 'UTC', now)).toBeUndefined();
  });
});
