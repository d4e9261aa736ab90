import { weeklyLine } from '#api/weekly-hours.ts';
import type { Destination } from '../api.ts';

/**
 * How a group's business hours read in "Your groups": its weekly hours, and while it is closed when it
 * opens, in the agent's own time (and the group's, when its zone is another).
 */

type Hours = NonNullable<Destination['hours']>;

/** The zone this browser shows times in. */
export function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** `mon-fri 09:00-18:00, sat 10:00-14:00`: days with the same times joined into ranges. */
export function weeklyText(weekly: Hours['weekly']): string {
  return weeklyLine(weekly, 'no opening hours');
}

/** The group's hours in a line; its zone is named when it is not the agent's. */
export function hoursText(hours: Hours | undefined, agentZone: string): string {
  if (!hours) return 'always open';
  const zone = hours.timeZone === agentZone ? '' : ` (${hours.timeZone})`;
  return `${weeklyText(hours.weekly)}${zone}`;
}

/** `Mon 09:00` in a zone, or `Mon 21 Dec 09:00` when it is a week away or more. */
function dayAndTime(instant: Date, timeZone: string, now: Date): string {
  const farOff = instant.getTime() - now.getTime() >= 6 * 24 * 3_600_000;
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    ...(farOff && { day: 'numeric', month: 'short' }),
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
    .format(instant)
    .replace(/,/g, '');
}

/** `closed until Mon 08:00 (Mon 09:00 Europe/Berlin)`, or `closed` when it never opens; undefined while open. */
export function closedText(group: Destination, agentZone: string, now = new Date()): string | undefined {
  if (group.openNow) return undefined;
  if (!group.opensAt) return 'closed';
  const opensAt = new Date(group.opensAt);
  const local = dayAndTime(opensAt, agentZone, now);
  const zone = group.hours?.timeZone;
  if (!zone || zone === agentZone) return `closed until ${local}`;
  return `closed until ${local} (${dayAndTime(opensAt, zone, now)} ${zone})`;
}
