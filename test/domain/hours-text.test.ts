import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BusinessHours, weekdays } from '#domain/directory/hours.ts';
import {
  changedHours,
  describeHours,
  describeWeekly,
  parseClosedOn,
  parseTimeZone,
  parseWeekly,
} from '#domain/directory/hours-text.ts';
import { ValidationError } from '#domain/shared/errors.ts';

/** Business hours as the command-line tool takes them: the parser, its errors, and how parts combine. */

function refusal(work: () => unknown): { code: string; paths: string[]; message: string } {
  try {
    work();
  } catch (error) {
    if (error instanceof ValidationError) {
      return { code: error.code, paths: error.issues.map((issue) => issue.path), message: error.message };
    }
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('parseWeekly', () => {
  it('reads day ranges, single days and several intervals a day', () => {
    // Act
    const weekly = parseWeekly('mon-wed 09:00-12:00 13:00-18:00, Sat 10:00-14:00');

    // Assess
    expect(weekly).toEqual([
      { day: 'mon', from: '09:00', to: '12:00' },
      { day: 'mon', from: '13:00', to: '18:00' },
      { day: 'tue', from: '09:00', to: '12:00' },
      { day: 'tue', from: '13:00', to: '18:00' },
      { day: 'wed', from: '09:00', to: '12:00' },
      { day: 'wed', from: '13:00', to: '18:00' },
      { day: 'sat', from: '10:00', to: '14:00' },
    ]);
  });

  it('reads a range over the weekend, daily, past midnight, 24:00 and one-digit hours', () => {
    expect(parseWeekly('fri-mon 22:00-02:00')?.map((each) => each.day)).toEqual(['mon', 'fri', 'sat', 'sun']);
    expect(parseWeekly('daily 0:00-24:00')).toHaveLength(7);
    expect(parseWeekly('daily 0:00-24:00')?.[0]).toEqual({ day: 'mon', from: '00:00', to: '24:00' });
  });

  it('reads always as no hours and closed as no intervals', () => {
    expect(parseWeekly(' Always ')).toBeUndefined();
    expect(parseWeekly('closed')).toEqual([]);
  });

  it.each([
    ['', 'give opening hours'],
    ['mon', 'needs days and times'],
    ['monday 09:00-18:00', '"monday" is not a day'],
    ['mon-fri-sat 09:00-18:00', 'not a day or a range'],
    ['mon 09:00', 'not a time range'],
    ['mon 09:00-18:00-19:00', 'not a time range'],
    ['mon 24:00-02:00', '"24:00" is not a time of day'],
    ['mon 09:60-10:00', '"09:60" is not a time of day'],
    ['mon 9-17', '"9" is not a time of day'],
    ['mon 09:00-18:00,', 'needs days and times'],
  ])('refuses %j, naming the hours', (text, message) => {
    const refused = refusal(() => parseWeekly(text));
    expect(refused.code).toBe('invalid_argument');
    expect(refused.paths).toEqual(['hours']);
    expect(refused.message).toContain(message);
  });

  it('reads back what describeWeekly writes, for any intervals', () => {
    const time = (max: number) =>
      fc
        .integer({ min: 0, max })
        .map((m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
    const interval = fc.record({ day: fc.constantFrom(...weekdays), from: time(1439), to: time(1440) });
    fc.assert(
      fc.property(fc.array(interval, { minLength: 1, maxLength: 12 }), (intervals) => {
        const weekly = parseWeekly(describeWeekly(intervals));
        const key = (list: typeof intervals) => [...new Set(list.map((each) => JSON.stringify(each)))].sort();
        expect(key(weekly ?? [])).toEqual(key(intervals));
      }),
    );
  });
});

describe('parseClosedOn and parseTimeZone', () => {
  it('reads dates sorted and once each; empty clears them', () => {
    expect(parseClosedOn('2027-01-01, 2026-12-25,2027-01-01')).toEqual(['2026-12-25', '2027-01-01']);
    expect(parseClosedOn('')).toEqual([]);
  });

  it.each(['2026-02-30', '2026-12-25x', '25.12.2026', '2026-1-5'])(
    'refuses the date %j, naming closedOn',
    (date) => {
      expect(refusal(() => parseClosedOn(`2026-12-24,${date}`)).paths).toEqual(['closedOn']);
    },
  );

  it('takes a known zone and refuses an unknown one, naming timeZone', () => {
    expect(parseTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(parseTimeZone(' America/St_Johns ')).toBe('America/St_Johns');
    for (const zone of ['Europe/Atlantis', 'Berlin', '+01:00', '']) {
      const refused = refusal(() => parseTimeZone(zone));
      expect(refused.paths, zone).toEqual(['timeZone']);
      expect(refused.message).toContain('IANA time zone');
    }
  });
});

describe('changedHours', () => {
  const berlin: BusinessHours = {
    timeZone: 'Europe/Berlin',
    weekly: [{ day: 'mon', from: '09:00', to: '18:00' }],
    closedOn: ['2026-12-25'],
  };

  it('keeps the hours when nothing about them is asked', () => {
    expect(changedHours(berlin, {})).toBe(berlin);
    expect(changedHours(undefined, {})).toBeUndefined();
  });

  it('sets new hours from a zone and intervals, keeping closed dates unless given', () => {
    expect(changedHours(undefined, { timeZone: 'Asia/Tokyo', hours: 'sat 10:00-14:00' })).toEqual({
      timeZone: 'Asia/Tokyo',
      weekly: [{ day: 'sat', from: '10:00', to: '14:00' }],
      closedOn: [],
    });
    expect(changedHours(berlin, { hours: 'tue 08:00-12:00' })).toEqual({
      ...berlin,
      weekly: [{ day: 'tue', from: '08:00', to: '12:00' }],
    });
    expect(changedHours(berlin, { timeZone: 'Europe/Paris', closedOn: '' })).toEqual({
      ...berlin,
      timeZone: 'Europe/Paris',
      closedOn: [],
    });
  });

  it('removes the hours with always', () => {
    expect(changedHours(berlin, { hours: 'always' })).toBeUndefined();
  });

  it.each([
    [undefined, { hours: 'mon 09:00-18:00' }, 'timeZone'],
    [undefined, { timeZone: 'Europe/Berlin' }, 'hours'],
    [undefined, { closedOn: '2026-12-25' }, 'hours'],
    [berlin, { hours: 'always', timeZone: 'Europe/Paris' }, 'hours'],
    [berlin, { timeZone: 'Mars/Olympus' }, 'timeZone'],
  ])('refuses %j changed by %j, naming %s', (current, change, path) => {
    expect(refusal(() => changedHours(current, change)).paths).toEqual([path]);
  });

  it('describes hours in one line', () => {
    expect(describeHours(undefined)).toBe('always open');
    expect(describeHours(berlin)).toBe('mon 09:00-18:00 (Europe/Berlin), closed on 2026-12-25');
    expect(describeHours({ ...berlin, weekly: [], closedOn: [] })).toBe('closed (Europe/Berlin)');
  });
});
