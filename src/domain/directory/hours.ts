/**
 * Business hours of a destination (PRODUCT.md section 5): an IANA time zone, weekly opening
 * intervals and closed dates. A destination without hours is always open.
 *
 * The model is fixed here so that availability, automatic replies and the Agent API share it; the
 * rule itself (`openingAt`) is the one place that decides whether a destination is open.
 *
 * How local times become instants, in one rule: a time of day takes effect at the first instant the
 * local clock shows it or has passed it. So a 02:30 that a daylight-saving change skips takes effect
 * when the clock jumps (03:00 new time), and a 02:30 that happens twice takes effect the first time.
 * An interval belongs to the date it begins on: a closed date cancels the intervals that begin on it,
 * while one that began the evening before runs to its end (fri 22:00-02:00 is open Saturday 01:00
 * even when Saturday is closed, and closed all night when Friday is).
 */

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** In `Date.getUTCDay()` order, Sunday first. */
export const weekdays: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** Opens at `from` on `day` (local time, `HH:MM`) and closes at `to`; a `to` at or before `from` ends the next day. */
export interface WeeklyInterval {
  day: Weekday;
  from: string;
  to: string;
}

export interface BusinessHours {
  /** An IANA time zone, `Europe/Berlin`. */
  timeZone: string;
  weekly: WeeklyInterval[];
  /** Whole local dates (`YYYY-MM-DD` in `timeZone`) when the destination stays closed. */
  closedOn: string[];
}

/** Whether a destination is open at a moment; when closed, when it opens next (absent if it never does). */
export type Opening = { open: true } | { open: false; opensAt?: string };

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Minutes after midnight of an `HH:MM` (`24:00` is the next midnight). */
function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/** The date (`YYYY-MM-DD`) of a local day number: days since 1970-01-01, as `Date.UTC` counts them. */
function dateOf(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** `12/4/2026, 18:30:00`: `en-US` numeric, read with a pattern (five times faster than `formatToParts`). */
const numericDateTime = /^(\d+)\/(\d+)\/(\d+),? (\d+):(\d+):(\d+)$/;

/** What the local clock shows at `instant`, as milliseconds of a clock that counts like UTC ("wall time"). */
export function wallTime(timeZone: string, instant: number): number {
  const text = formatterFor(timeZone).format(instant);
  const [, month, day, year, hour, minute, second] = (numericDateTime.exec(text) ?? []).map(Number);
  if (second === undefined) throw new Error(`Unexpected date format from Intl: ${text}`);
  const instantMs = ((instant % 1000) + 1000) % 1000;
  return (
    Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1, (hour ?? 0) % 24, minute ?? 0, second) + instantMs
  );
}

function offsetAt(timeZone: string, instant: number): number {
  return wallTime(timeZone, instant) - instant;
}

const midnightOffsets = new Map<string, number>();

/** The offset at 00:00 UTC of a day number, remembered: every call of `openingAt` asks for the same few. */
function offsetAtMidnight(timeZone: string, day: number): number {
  const key = `${timeZone} ${day}`;
  let offset = midnightOffsets.get(key);
  if (offset === undefined) {
    if (midnightOffsets.size >= 4096) midnightOffsets.clear();
    offset = offsetAt(timeZone, day * DAY);
    midnightOffsets.set(key, offset);
  }
  return offset;
}

/**
 * The first instant at which the local clock shows `wall` or has passed it. Offsets are read a day
 * either side, so one daylight-saving change near `wall` is seen whichever way it goes.
 */
function instantOf(timeZone: string, wall: number): number {
  const earlier = offsetAt(timeZone, wall - DAY);
  const later = offsetAt(timeZone, wall + DAY);
  const shows = [wall - earlier, wall - later].filter((instant) => wallTime(timeZone, instant) === wall);
  if (shows.length > 0) return Math.min(...shows);
  // Skipped: the clock jumps from before `wall` to after it. Find the jump (to the millisecond).
  let before = wall - Math.max(earlier, later);
  let after = wall - Math.min(earlier, later);
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (wallTime(timeZone, middle) >= wall) after = middle;
    else before = middle;
  }
  return after;
}

interface Occurrence {
  start: number;
  end: number;
}

/** The intervals that begin on local day `day` (none on a closed date), as instants; empty ones left out. */
function occurrencesOn(hours: BusinessHours, day: number): Occurrence[] {
  if (hours.closedOn.includes(dateOf(day))) return [];
  const weekday = weekdays[new Date(day * DAY).getUTCDay()];
  const intervals = hours.weekly.filter((interval) => interval.day === weekday);
  if (intervals.length === 0) return [];
  // Its intervals end by the day after next; without an offset change around them, one offset serves all.
  const offset = offsetAtMidnight(hours.timeZone, day - 1);
  const steady = offset === offsetAtMidnight(hours.timeZone, day + 3);
  const instant = (wall: number) => (steady ? wall - offset : instantOf(hours.timeZone, wall));
  const occurrences: Occurrence[] = [];
  for (const interval of intervals) {
    const from = minutesOf(interval.from);
    const to = minutesOf(interval.to);
    const start = instant(day * DAY + from * MINUTE);
    const end = instant((to > from ? day : day + 1) * DAY + to * MINUTE);
    if (end > start) occurrences.push({ start, end });
  }
  return occurrences;
}

/**
 * Whether a destination with these hours is open at `now`, and when closed, the next instant it opens
 * (absent when it never does: no intervals). No hours: always open.
 */
export function openingAt(hours: BusinessHours | undefined, now: Date): Opening {
  if (!hours) return { open: true };
  const at = now.getTime();
  const today = Math.floor(wallTime(hours.timeZone, at) / DAY);
  // An interval lasts at most a day (and a daylight-saving hour), so only yesterday's can still run.
  for (const day of [today - 1, today]) {
    if (occurrencesOn(hours, day).some(({ start, end }) => start <= at && at < end)) return { open: true };
  }
  if (hours.weekly.length === 0) return { open: false };
  // Each week has a day with intervals, and each closed date takes one such day away at most.
  const lastDay = today + 7 * (hours.closedOn.length + 2);
  for (let day = today; day <= lastDay; day++) {
    const starts = occurrencesOn(hours, day)
      .map(({ start }) => start)
      .filter((start) => start > at);
    if (starts.length > 0) return { open: false, opensAt: new Date(Math.min(...starts)).toISOString() };
  }
  return { open: false };
}
