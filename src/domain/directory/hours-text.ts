import { weeklyLine } from '#api/weekly-hours.ts';
import type { BusinessHours, Weekday, WeeklyInterval } from '#domain/directory/hours.ts';
import { ValidationError } from '#domain/shared/errors.ts';

/**
 * Business hours as people write them, for the command-line tool (PRODUCT.md section 5):
 * `--timezone Europe/Berlin --hours "mon-fri 09:00-12:00 13:00-18:00, sat 10:00-14:00"
 * --closed-on 2026-12-25,2027-01-01`. Each part is checked here, so every way in validates alike,
 * and an admin use case reads them with `changedHours`.
 */

/** Monday first, as people list them. */
const week: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const MAX_INTERVALS = 70;
const MAX_CLOSED_DATES = 400;

function invalid(path: string, message: string): never {
  throw new ValidationError('invalid_argument', `${path}: ${message}`, [{ path, message }]);
}

function weekday(text: string): Weekday {
  const day = week.find((name) => name === text.toLowerCase());
  return day ?? invalid('hours', `"${text}" is not a day: use mon, tue, wed, thu, fri, sat or sun`);
}

/** `mon`, `mon-fri` (`fri-mon` wraps over the weekend) or `daily`. */
function days(text: string): Weekday[] {
  if (text.toLowerCase() === 'daily') return [...week];
  const [first, last, ...rest] = text.split('-');
  if (rest.length > 0 || first === undefined) invalid('hours', `"${text}" is not a day or a range of days`);
  const start = week.indexOf(weekday(first));
  if (last === undefined) return [week[start] as Weekday];
  const span = (week.indexOf(weekday(last)) - start + 7) % 7;
  return Array.from({ length: span + 1 }, (_, i) => week[(start + i) % 7] as Weekday);
}

function time(text: string, latest: number): string {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text);
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : Number.NaN;
  if (!match || Number(match[2]) > 59 || !(minutes <= latest)) {
    invalid(
      'hours',
      `"${text}" is not a time of day: use HH:MM, 00:00 to ${latest === 1440 ? '24:00' : '23:59'}`,
    );
  }
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * The weekly intervals of an `--hours` text: comma-separated items, each days then one or more
 * `HH:MM-HH:MM` (a `to` at or before `from` runs past midnight; `24:00` is midnight). `closed` gives
 * no intervals (closed until changed); `always` gives undefined: no hours, always open.
 */
export function parseWeekly(text: string): WeeklyInterval[] | undefined {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'always') return undefined;
  if (trimmed === 'closed') return [];
  if (trimmed === '') invalid('hours', 'give opening hours like "mon-fri 09:00-18:00", or always, or closed');
  const intervals: WeeklyInterval[] = [];
  for (const item of trimmed.split(',')) {
    const [dayText, ...ranges] = item.trim().split(/\s+/);
    if (dayText === undefined || dayText === '' || ranges.length === 0) {
      invalid('hours', `"${item.trim()}" needs days and times, like "mon-fri 09:00-18:00"`);
    }
    for (const range of ranges) {
      const [from, to, ...rest] = range.split('-');
      if (from === undefined || to === undefined || rest.length > 0) {
        invalid('hours', `"${range}" is not a time range: use HH:MM-HH:MM`);
      }
      const interval = { from: time(from, 1439), to: time(to, 1440) };
      for (const day of days(dayText)) intervals.push({ day, ...interval });
    }
  }
  const unique = [...new Map(intervals.map((each) => [JSON.stringify(each), each])).values()];
  if (unique.length > MAX_INTERVALS) invalid('hours', `at most ${MAX_INTERVALS} intervals`);
  return unique.sort(
    (a, b) =>
      week.indexOf(a.day) - week.indexOf(b.day) || a.from.localeCompare(b.from) || a.to.localeCompare(b.to),
  );
}

/** The dates of a `--closed-on` text, `2026-12-25,2027-01-01`, sorted; empty clears them. */
export function parseClosedOn(text: string): string[] {
  const dates = text
    .split(',')
    .map((date) => date.trim())
    .filter((date) => date !== '');
  for (const date of dates) {
    const valid =
      /^\d{4}-\d{2}-\d{2}$/.test(date) && new Date(`${date}T00:00:00Z`).toISOString().startsWith(date);
    if (!valid) invalid('closedOn', `"${date}" is not a date: use YYYY-MM-DD`);
  }
  if (dates.length > MAX_CLOSED_DATES) invalid('closedOn', `at most ${MAX_CLOSED_DATES} dates`);
  return [...new Set(dates)].sort();
}

/** An IANA time zone that this runtime knows, in its canonical spelling. */
export function parseTimeZone(text: string): string {
  const name = text.trim();
  const unknown = () => invalid('timeZone', `"${name}" is not a known IANA time zone, like Europe/Berlin`);
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) unknown();
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return unknown();
  }
}

/** What an admin asks to change, each part as the command-line tool takes it. */
export interface HoursChange {
  timeZone?: string;
  hours?: string;
  closedOn?: string;
}

/**
 * The hours after a change, or `current` when none is asked for. `hours` sets the weekly intervals
 * (`always` removes the hours altogether); a time zone or closed dates alone change hours that exist.
 * A new set of hours needs a time zone: no zone is assumed.
 */
export function changedHours(
  current: BusinessHours | undefined,
  change: HoursChange,
): BusinessHours | undefined {
  if (change.hours === undefined && change.timeZone === undefined && change.closedOn === undefined)
    return current;
  const weekly = change.hours === undefined ? current?.weekly : parseWeekly(change.hours);
  if (change.hours !== undefined && weekly === undefined) {
    if (change.timeZone !== undefined || change.closedOn !== undefined) {
      invalid('hours', 'always removes the hours: give it without a time zone or closed dates');
    }
    return undefined;
  }
  const timeZone = change.timeZone === undefined ? current?.timeZone : parseTimeZone(change.timeZone);
  if (weekly === undefined)
    invalid('hours', 'the destination has no hours yet: give them with the time zone');
  if (timeZone === undefined) invalid('timeZone', 'give the time zone of the hours, like Europe/Berlin');
  const closedOn = change.closedOn === undefined ? (current?.closedOn ?? []) : parseClosedOn(change.closedOn);
  return { timeZone, weekly, closedOn };
}

/** The weekly intervals as `parseWeekly` reads them back: days with the same times joined into ranges. */
export function describeWeekly(weekly: WeeklyInterval[]): string {
  return weeklyLine(weekly, 'closed');
}

/** One line for people: `mon-fri 09:00-18:00 (Europe/Berlin), closed on 2026-12-25`. */
export function describeHours(hours: BusinessHours | undefined): string {
  if (!hours) return 'always open';
  const closed = hours.closedOn.length > 0 ? `, closed on ${hours.closedOn.join(', ')}` : '';
  return `${describeWeekly(hours.weekly)} (${hours.timeZone})${closed}`;
}
