/**
 * Business hours of a destination (PRODUCT.md section 5): an IANA time zone, weekly opening
 * intervals and closed dates. A destination without hours is always open.
 *
 * The model is fixed here so that availability, automatic replies and the Agent API share it; the
 * rule itself (`openingAt`) is the one place that decides whether a destination is open.
 */

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

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

/** Placeholder until the hours rule lands: every destination is open. */
export function openingAt(_hours: BusinessHours | undefined, _now: Date): Opening {
  return { open: true };
}
