import { queuesOf } from '#domain/directory/agents.ts';
import { hasOnline } from '#domain/directory/availability.ts';
import type { Opening } from '#domain/directory/hours.ts';
import type { Agent, Destination } from '#domain/directory/model.ts';

/**
 * The rules of automatic replies (PRODUCT.md section 5), without storage: when a destination counts as
 * unable to answer, which closed period a moment belongs to, when a waiting reply is due, and the text
 * with its placeholders filled. `send-automatic-replies.ts` sends them; the conversation records the key of the last
 * one of each kind, so a reply goes out once per key even when two writers decide at the same moment.
 */

/**
 * A stretch of time in which the destination cannot answer, named so that two moments of the same
 * stretch get the same key: closed by its hours, the opening that ends it (`{id}:closed:{opensAt}`); open
 * but nobody online, the last presence report of its agents (`{id}:offline:{lastSeenAt}`), which stays the
 * same until one of them reports again, the only way the stretch can end. The destination's id is part of
 * it, so a conversation moved to another closed destination is told again.
 */
export interface ClosedPeriod {
  key: string;
  /** When it opens next (ISO time), when closed by its hours and it ever opens again. */
  opensAt?: string;
}

/**
 * The closed period the destination is in at `now`, or undefined while it can answer. `opening` is what
 * its hours say at `now` (`openingAt(destination.hours, now)`): closed by its hours comes first.
 */
export function closedPeriodAt(
  opening: Opening,
  destination: Destination,
  agents: Agent[],
  now: Date,
  presenceTimeoutSeconds: number,
): ClosedPeriod | undefined {
  if (!opening.open) {
    return {
      key: `${destination.destinationId}:closed:${opening.opensAt ?? 'never'}`,
      ...(opening.opensAt && { opensAt: opening.opensAt }),
    };
  }
  if (hasOnline(destination, agents, now, presenceTimeoutSeconds)) return undefined;
  const lastPresence = agents
    .filter((agent) => queuesOf(agent).includes(destination.destinationId))
    .map((agent) => agent.lastSeenAt ?? '')
    .sort()
    .at(-1);
  return { key: `${destination.destinationId}:offline:${lastPresence || 'never'}` };
}

/** What a waiting reply is judged on: the conversation as the queue lists it. */
export interface WaitingState {
  status: 'waiting' | 'active' | 'closed';
  waitingSince?: string;
  /** The `waitingSince` of the wait that got its waiting reply already. */
  waitingReplyKey?: string;
}

/**
 * The waiting reply is due once per wait: when the conversation has waited `waitingAfterMinutes` since it
 * started waiting and nobody accepted it. Its key is the wait's `waitingSince`, so a transfer (a new wait)
 * may get one again, and a sweep that runs twice sends one.
 */
export function waitingReplyDue(destination: Destination, conversation: WaitingState, now: Date): boolean {
  const { waitingReply, waitingAfterMinutes } = destination;
  if (!waitingReply || waitingAfterMinutes === undefined) return false;
  if (conversation.status !== 'waiting' || !conversation.waitingSince) return false;
  if (conversation.waitingReplyKey === conversation.waitingSince) return false;
  return now.getTime() - Date.parse(conversation.waitingSince) >= waitingAfterMinutes * 60_000;
}

export interface ReplyContext {
  userName: string;
  destinationName: string;
  /** When the destination opens next, if closed by its hours, and the time zone to say it in. */
  opensAt?: string;
  timeZone?: string;
  now: Date;
}

/**
 * A moment in the destination's own time, as a client reads it: `Monday 09:00 (Europe/Berlin)`, with
 * the date as well (`Monday 4 January 09:00 (Europe/Berlin)`) when it is a week or more away.
 */
export function localTimeInWords(at: string, timeZone: string, now: Date): string {
  const moment = new Date(at);
  const farAway = moment.getTime() - now.getTime() >= 6 * 86_400_000;
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'long',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(farAway && { day: 'numeric', month: 'long' }),
  }).formatToParts(moment);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const date = farAway ? ` ${part('day')} ${part('month')}` : '';
  return `${part('weekday')}${date} ${part('hour')}:${part('minute')} (${timeZone})`;
}

/**
 * The reply's text with `{userName}`, `{destinationName}` and `{opensAt}` filled (`{opensAt}` empty when
 * not known: open but nobody online, or closed for good); anything else in braces stays as written.
 */
export function fillReply(template: string, context: ReplyContext): string {
  const values: Record<string, string> = {
    userName: context.userName,
    destinationName: context.destinationName,
    opensAt:
      context.opensAt && context.timeZone
        ? localTimeInWords(context.opensAt, context.timeZone, context.now)
        : '',
  };
  return template.replace(/\{(userName|destinationName|opensAt)\}/g, (_, name: string) => values[name] ?? '');
}
