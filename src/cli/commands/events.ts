import type { FailedEvent } from '#domain/outbox/redrive.ts';
import { storeCommand, UsageError } from '../command.ts';

function failedEventLine(event: FailedEvent): string {
  const error = event.lastError ?? '';
  // `lastError` often names the status already ("HTTP 503"): say it once.
  const status =
    event.lastStatus === undefined || error.includes(String(event.lastStatus))
      ? ''
      : `HTTP ${event.lastStatus}: `;
  return [
    event.id,
    `conversation ${event.conversationId}`,
    `${event.target} ${event.type}`,
    `${event.attempts} ${event.attempts === 1 ? 'attempt' : 'attempts'}`,
    `failed ${event.failedAt ?? 'at an unknown time'}${status || error ? `: ${status}${error}` : ''}`,
  ].join('\t');
}

export const eventCommands = [
  storeCommand({
    group: 'events',
    name: 'failed',
    flags: {},
    usage: '',
    async run(deps) {
      const { listFailedEvents } = await import('#domain/outbox/redrive.ts');
      const events = await listFailedEvents(deps);
      return {
        data: events,
        text: events.length === 0 ? 'No failed events' : events.map(failedEventLine).join('\n'),
      };
    },
  }),
  storeCommand({
    group: 'events',
    name: 'redrive',
    flags: { all: 'optional', id: 'repeatable' },
    usage: '--all | --id ID [--id ID ...]',
    check({ flags }) {
      if (flags.all && flags.id.length > 0) throw new UsageError('give --all or --id, not both');
      if (!flags.all && flags.id.length === 0) throw new UsageError('missing --id (or --all)');
    },
    async run(deps, { flags }) {
      const { redriveFailedEvents } = await import('#domain/outbox/redrive.ts');
      const ids = await redriveFailedEvents(deps, flags.all ? undefined : [...new Set(flags.id)]);
      const events = ids.length === 1 ? 'event' : 'events';
      return {
        data: { count: ids.length, ids },
        text:
          ids.length === 0
            ? 'No failed events to redrive'
            : `Put ${ids.length} failed ${events} back in line: ${ids.join(', ')}\n` +
              "They go out through the running deliverer (npm start locally, the table's stream in AWS); " +
              'without one they wait in the store until it runs.',
      };
    },
  }),
];
