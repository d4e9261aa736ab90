import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BusinessHours,
  openingAt,
  type WeeklyInterval,
  wallTime,
  weekdays,
} from '#domain/directory/hours.ts';

/**
 * The business-hours rule as a pure function of the hours and an injected clock: the edges of an
 * interval, intervals past midnight, closed dates, daylight-saving changes and zones far from UTC.
 * 2026-12-04 is a Friday; 2026-12-07 a Monday.
 */

function hours(timeZone: string, weekly: WeeklyInterval[], closedOn: string[] = []): BusinessHours {
  return { timeZone, weekly, closedOn };
}

const at = (iso: string) => new Date(iso);

describe('openingAt', () => {
  it('is always open without hours', () => {
    expect(openingAt(undefined, at('2026-12-04T03:00:00.000Z'))).toEqual({ open: true });
  });

  it('opens at the first minute of an interval and closes at its last, in the zone (Berlin is UTC+1 in winter)', () => {
    // Prepare
    const weekdays9to6 = hours('Europe/Berlin', [
      { day: 'mon', from: '09:00', to: '18:00' },
      { day: 'fri', from: '09:00', to: '18:00' },
    ]);

    // Act
    const before = openingAt(weekdays9to6, at('2026-12-04T07:59:59.999Z'));
    const opening = openingAt(weekdays9to6, at('2026-12-04T08:00:00.000Z'));
    const lastMinute = openingAt(weekdays9to6, at('2026-12-04T16:59:00.000Z'));
    const closing = openingAt(weekdays9to6, at('2026-12-04T17:00:00.000Z'));

    // Assess
    expect(before).toEqual({ open: false, opensAt: '2026-12-04T08:00:00.000Z' });
    expect(opening).toEqual({ open: true });
    expect(lastMinute).toEqual({ open: true });
    expect(closing).toEqual({ open: false, opensAt: '2026-12-07T08:00:00.000Z' });
  });

  it('keeps an interval past midnight open into the next day (fri 22:00-02:00 is open Saturday 01:00)', () => {
    // Prepare
    const nights = hours('Europe/Berlin', [{ day: 'fri', from: '22:00', to: '02:00' }]);

    // Act
    const saturdayOne = openingAt(nights, at('2026-12-05T00:00:00.000Z'));
    const saturdayTwo = openingAt(nights, at('2026-12-05T01:00:00.000Z'));

    // Assess
    expect(saturdayOne).toEqual({ open: true });
    expect(saturdayTwo).toEqual({ open: false, opensAt: '2026-12-11T21:00:00.000Z' });
  });

  it('reads a `to` equal to `from` as a whole day, and 24:00 as midnight', () => {
    // Prepare
    const wholeMonday = hours('UTC', [{ day: 'mon', from: '00:00', to: '00:00' }]);
    const untilMidnight = hours('UTC', [{ day: 'mon', from: '12:00', to: '24:00' }]);

    // Act
    const late = openingAt(wholeMonday, at('2026-12-07T23:59:00.000Z'));
    const tuesday = openingAt(wholeMonday, at('2026-12-08T00:00:00.000Z'));
    const beforeMidnight = openingAt(untilMidnight, at('2026-12-07T23:59:59.000Z'));
    const midnight = openingAt(untilMidnight, at('2026-12-08T00:00:00.000Z'));

    // Assess
    expect(late).toEqual({ open: true });
    expect(tuesday).toEqual({ open: false, opensAt: '2026-12-14T00:00:00.000Z' });
    expect(beforeMidnight).toEqual({ open: true });
    expect(midnight).toEqual({ open: false, opensAt: '2026-12-14T12:00:00.000Z' });
  });

  it('cancels the intervals that begin on a closed date, and lets one begun the day before run to its end', () => {
    // Prepare
    const nights = [{ day: 'fri', from: '22:00', to: '02:00' } as const];
    const fridayClosed = hours('Europe/Berlin', nights, ['2026-12-04']);
    const saturdayClosed = hours('Europe/Berlin', nights, ['2026-12-05']);

    // Act
    const fridayNight = openingAt(fridayClosed, at('2026-12-04T22:00:00.000Z'));
    const intoSaturday = openingAt(saturdayClosed, at('2026-12-05T00:30:00.000Z'));

    // Assess
    expect(fridayNight).toEqual({ open: false, opensAt: '2026-12-11T21:00:00.000Z' });
    expect(intoSaturday).toEqual({ open: true });
  });

  it('skips closed dates when it tells when the destination opens', () => {
    // Prepare
    const mondays = hours(
      'Europe/Berlin',
      [{ day: 'mon', from: '09:00', to: '18:00' }],
      ['2026-12-07', '2026-12-14'],
    );

    // Act
    const opening = openingAt(mondays, at('2026-12-04T12:00:00.000Z'));

    // Assess
    expect(opening).toEqual({ open: false, opensAt: '2026-12-21T08:00:00.000Z' });
  });

  it('is closed for good, with no opensAt, without intervals', () => {
    // Prepare
    const never = hours('Europe/Berlin', []);

    // Act
    const opening = openingAt(never, at('2026-12-04T12:00:00.000Z'));

    // Assess
    expect(opening).toEqual({ open: false });
  });

  it('opens a 02:30 that the spring change skips when the clock jumps (03:00 new time)', () => {
    // Prepare: Berlin goes from 02:00 CET to 03:00 CEST on 2027-03-28 (01:00 UTC).
    const sundays = hours('Europe/Berlin', [{ day: 'sun', from: '02:30', to: '04:00' }]);
    const skippedWhole = hours('Europe/Berlin', [{ day: 'sun', from: '02:00', to: '02:30' }]);

    // Act
    const justBefore = openingAt(sundays, at('2027-03-28T00:59:59.000Z'));
    const atJump = openingAt(sundays, at('2027-03-28T01:00:00.000Z'));
    const closing = openingAt(sundays, at('2027-03-28T02:00:00.000Z'));
    const skipped = openingAt(skippedWhole, at('2027-03-28T00:30:00.000Z'));

    // Assess
    expect(justBefore).toEqual({ open: false, opensAt: '2027-03-28T01:00:00.000Z' });
    expect(atJump).toEqual({ open: true });
    expect(closing).toEqual({ open: false, opensAt: '2027-04-04T00:30:00.000Z' });
    // An interval the jump swallows whole does not open that day.
    expect(skipped).toEqual({ open: false, opensAt: '2027-04-04T00:00:00.000Z' });
  });

  it('takes a 02:30 that the autumn change repeats the first time, to open and to close', () => {
    // Prepare: Berlin goes from 03:00 CEST back to 02:00 CET on 2027-10-31 (01:00 UTC).
    const opensTwoThirty = hours('Europe/Berlin', [{ day: 'sun', from: '02:30', to: '03:30' }]);
    const closesTwoThirty = hours('Europe/Berlin', [{ day: 'sun', from: '01:00', to: '02:30' }]);

    // Act
    const firstTwoThirty = openingAt(opensTwoThirty, at('2027-10-31T00:30:00.000Z'));
    const secondTwoThirty = openingAt(opensTwoThirty, at('2027-10-31T01:30:00.000Z'));
    const afterClose = openingAt(opensTwoThirty, at('2027-10-31T02:30:00.000Z'));
    const closedAtFirst = openingAt(closesTwoThirty, at('2027-10-31T00:30:00.000Z'));
    const secondTwoFifteen = openingAt(closesTwoThirty, at('2027-10-31T01:15:00.000Z'));

    // Assess
    expect(firstTwoThirty).toEqual({ open: true });
    expect(secondTwoThirty).toEqual({ open: true });
    expect(afterClose).toEqual({ open: false, opensAt: '2027-11-07T01:30:00.000Z' });
    expect(closedAtFirst).toEqual({ open: false, opensAt: '2027-11-07T00:00:00.000Z' });
    expect(secondTwoFifteen.open).toBe(false);
  });

  it('reads the date in a zone fourteen hours ahead of UTC (Kiritimati: Monday 09:00 is Sunday 19:00 UTC)', () => {
    // Prepare
    const mondays = hours('Pacific/Kiritimati', [{ day: 'mon', from: '09:00', to: '17:00' }], ['2026-12-14']);

    // Act
    const sundayUtc = openingAt(mondays, at('2026-12-06T19:30:00.000Z'));
    const mondayUtc = openingAt(mondays, at('2026-12-07T04:00:00.000Z'));
    const closedDate = openingAt(mondays, at('2026-12-13T19:30:00.000Z'));

    // Assess
    expect(sundayUtc).toEqual({ open: true });
    expect(mondayUtc).toEqual({ open: false, opensAt: '2026-12-20T19:00:00.000Z' });
    // The closed date is Kiritimati's Monday, which began on Sunday in UTC.
    expect(closedDate).toEqual({ open: false, opensAt: '2026-12-20T19:00:00.000Z' });
  });

  it('keeps half-hour offsets and their change (St. John’s: UTC-3:30, jumping 02:00 to 03:00 on 2027-03-14)', () => {
    // Prepare
    const early = hours('America/St_Johns', [{ day: 'sun', from: '02:30', to: '09:00' }]);

    // Act
    const winter = openingAt(early, at('2026-12-06T06:00:00.000Z'));
    const beforeJump = openingAt(early, at('2027-03-14T05:29:00.000Z'));
    const jump = openingAt(early, at('2027-03-14T05:30:00.000Z'));

    // Assess
    expect(winter).toEqual({ open: true });
    expect(beforeJump).toEqual({ open: false, opensAt: '2027-03-14T05:30:00.000Z' });
    expect(jump).toEqual({ open: true });
  });
});

/** Zones with daylight saving either way of the equator, half-hour offsets and offsets far from UTC. */
const zones = [
  'Europe/Berlin',
  'America/New_York',
  'America/St_Johns',
  'America/Santiago',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Pacific/Kiritimati',
  'Asia/Kolkata',
  'UTC',
];

/** Instants next to daylight-saving changes of those zones, so that the generator lands on them often. */
const changes = [
  '2027-03-28T01:00:00.000Z',
  '2027-10-31T01:00:00.000Z',
  '2027-03-14T07:00:00.000Z',
  '2027-11-07T06:00:00.000Z',
  '2027-03-14T05:30:00.000Z',
  '2027-04-04T03:00:00.000Z',
  '2027-04-03T15:00:00.000Z',
  '2027-09-25T14:00:00.000Z',
].map(Date.parse);

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

const interval: fc.Arbitrary<WeeklyInterval> = fc.record({
  day: fc.constantFrom(...weekdays),
  from: fc.integer({ min: 0, max: 24 * 60 - 1 }).map(hhmm),
  to: fc.integer({ min: 0, max: 24 * 60 }).map(hhmm),
});

const moment = fc.oneof(
  fc.tuple(fc.constantFrom(...changes), fc.integer({ min: -2 * DAY, max: 2 * DAY })).map(([c, d]) => c + d),
  fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2028-12-31T00:00:00Z') }),
);

const scenario = fc
  .record({
    timeZone: fc.constantFrom(...zones),
    weekly: fc.array(interval, { maxLength: 5 }),
    closedDays: fc.uniqueArray(fc.integer({ min: -2, max: 9 }), { maxLength: 4 }),
    now: moment,
  })
  .map(({ timeZone, weekly, closedDays, now }) => ({
    hours: {
      timeZone,
      weekly,
      closedOn: closedDays.map((offset) => new Date(now + offset * DAY).toISOString().slice(0, 10)),
    },
    now,
  }));

/** Open by reading the local clock, as a person would; agrees with the rule where no offset change is near. */
function openByTheClock(hours: BusinessHours, now: number): boolean {
  const wall = wallTime(hours.timeZone, now);
  const day = Math.floor(wall / DAY);
  const minute = (wall - day * DAY) / MINUTE;
  const usable = (d: number) => !hours.closedOn.includes(new Date(d * DAY).toISOString().slice(0, 10));
  const weekdayOf = (d: number) => weekdays[new Date(d * DAY).getUTCDay()];
  return hours.weekly.some(({ day: weekday, from, to }) => {
    const [start, end] = [from, to].map((time) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3)));
    if (start === undefined || end === undefined) return false;
    const today =
      usable(day) && weekdayOf(day) === weekday && start <= minute && (end > start ? minute < end : true);
    const fromYesterday = usable(day - 1) && weekdayOf(day - 1) === weekday && end <= start && minute < end;
    return today || fromYesterday;
  });
}

describe('openingAt, for any valid hours', () => {
  it('opens at opensAt, and stays closed with the same opensAt minute by minute until then', () => {
    fc.assert(
      fc.property(scenario, ({ hours: generated, now }) => {
        const opening = openingAt(generated, new Date(now));
        if (opening.open) return;
        if (opening.opensAt === undefined) {
          expect(generated.weekly).toEqual([]);
          return;
        }
        const opensAt = Date.parse(opening.opensAt);
        expect(opensAt).toBeGreaterThan(now);
        expect(openingAt(generated, new Date(opensAt))).toEqual({ open: true });
        expect(openingAt(generated, new Date(opensAt - 1))).toEqual(opening);
        // A bounded span: the first hours after now and the last hour before it opens.
        const checked = new Set<number>();
        for (let t = now + MINUTE; t < Math.min(opensAt, now + 6 * 60 * MINUTE); t += MINUTE) checked.add(t);
        for (let t = opensAt - MINUTE; t > Math.max(now, opensAt - 60 * MINUTE); t -= MINUTE) checked.add(t);
        for (const t of checked) expect(openingAt(generated, new Date(t))).toEqual(opening);
      }),
      { numRuns: 60 },
    );
  });

  it('agrees with reading the local clock wherever no daylight-saving change is within three days', () => {
    fc.assert(
      fc.property(scenario, ({ hours: generated, now }) => {
        const offset = (t: number) => wallTime(generated.timeZone, t) - t;
        fc.pre(offset(now - 3 * DAY) === offset(now + 3 * DAY));
        expect(openingAt(generated, new Date(now)).open).toBe(openByTheClock(generated, now));
      }),
      { numRuns: 300 },
    );
  });
});
