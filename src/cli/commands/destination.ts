import { storeCommand, UsageError } from '../command.ts';

export const destinationCommands = [
  storeCommand({
    group: 'destination',
    name: 'create',
    creates: true,
    flags: { name: 'required', id: 'optional', 'add-agent': 'repeatable' },
    usage: '--name N [--id ID] [--add-agent EMPLOYEE_ID ...]',
    async run(deps, { flags }) {
      const { createDestination } = await import('#use-cases/admin/create-destination.ts');
      const { listAgents } = await import('#use-cases/admin/list-agents.ts');
      const { updateAgent } = await import('#use-cases/admin/update-agent.ts');
      const wanted = [...new Set(flags['add-agent'])];
      // Checked first, so that a mistyped agent leaves no half-made destination behind.
      const agents = await listAgents(deps);
      const missing = wanted.find((id) => !agents.some((agent) => agent.employeeId === id));
      if (missing) {
        const { NotFoundError } = await import('#domain/shared/errors.ts');
        throw new NotFoundError('agent_not_found', `No agent ${missing}`);
      }
      const destination = await createDestination(deps, {
        name: flags.name,
        ...(flags.id !== undefined && { destinationId: flags.id }),
      });
      for (const agent of agents.filter((a) => wanted.includes(a.employeeId))) {
        await updateAgent(deps, agent.employeeId, {
          destinations: [...agent.destinations, destination.destinationId],
        });
      }
      const members =
        wanted.length > 0
          ? `Agents in it: ${wanted.join(', ')}`
          : 'No agent is in it yet (the local agent-1 included): add one with --add-agent, or with ' +
            `operator-bridge agent update <employeeId> --destinations <its destinations>,${destination.destinationId}`;
      return {
        data: { ...destination, agents: wanted },
        text: `Destination: ${destination.destinationId}\t${destination.name}\n${members}`,
      };
    },
  }),
  storeCommand({
    group: 'destination',
    name: 'list',
    flags: {},
    usage: '',
    async run(deps) {
      const { listDestinations } = await import('#use-cases/admin/list-destinations.ts');
      const { describeHours } = await import('#domain/directory/hours-text.ts');
      const destinations = await listDestinations(deps);
      const lines = destinations.map((d) => `${d.destinationId}\t${d.name}\t${describeHours(d.hours)}`);
      return { data: destinations, text: lines.length === 0 ? 'No destinations' : lines.join('\n') };
    },
  }),
  storeCommand({
    group: 'destination',
    name: 'update',
    target: '<id>',
    flags: {
      name: 'optional',
      timezone: 'optional',
      hours: 'optional',
      'closed-on': 'optional',
      'offline-reply': 'optional',
      'waiting-reply': 'optional',
      'waiting-after': 'optional',
    },
    usage:
      '[--name N] [--timezone Europe/Berlin] [--hours "mon-fri 09:00-18:00, sat 10:00-14:00" | always | closed] ' +
      '[--closed-on 2026-12-25,2027-01-01] [--offline-reply TEXT] [--waiting-reply TEXT --waiting-after MINUTES]',
    check({ flags }) {
      if (Object.values(flags).every((flag) => flag === undefined)) {
        throw new UsageError(
          'nothing to change: give --name, --timezone, --hours, --closed-on, --offline-reply, --waiting-reply or --waiting-after ("" clears a reply)',
        );
      }
    },
    async run(deps, { target: destinationId, flags }) {
      const { updateDestination } = await import('#use-cases/admin/update-destination.ts');
      const { describeHours } = await import('#domain/directory/hours-text.ts');
      const destination = await updateDestination(deps, destinationId, {
        ...(flags.name !== undefined && { name: flags.name }),
        ...(flags.timezone !== undefined && { timeZone: flags.timezone }),
        ...(flags.hours !== undefined && { hours: flags.hours }),
        ...(flags['closed-on'] !== undefined && { closedOn: flags['closed-on'] }),
        offlineReply: flags['offline-reply'],
        waitingReply: flags['waiting-reply'],
        waitingAfterMinutes: flags['waiting-after'],
      });
      const lines = [
        `Updated ${destinationId}\t${destination.name}\t${describeHours(destination.hours)}`,
        `Offline reply: ${destination.offlineReply ?? '(none)'}`,
        destination.waitingReply
          ? `Waiting reply after ${destination.waitingAfterMinutes} min: ${destination.waitingReply}`
          : 'Waiting reply: (none)',
      ];
      return { data: destination, text: lines.join('\n') };
    },
  }),
  storeCommand({
    group: 'destination',
    name: 'rename',
    target: '<id>',
    flags: { name: 'required' },
    usage: '--name N',
    async run(deps, { target: destinationId, flags: { name } }) {
      const { updateDestination } = await import('#use-cases/admin/update-destination.ts');
      const destination = await updateDestination(deps, destinationId, { name });
      return {
        data: { destinationId, name: destination.name },
        text: `Renamed ${destinationId} to ${destination.name}`,
      };
    },
  }),
  storeCommand({
    group: 'destination',
    name: 'remove',
    target: '<id>',
    flags: { 'move-to': 'optional' },
    usage: '[--move-to ID]',
    async run(deps, { target: destinationId, flags }) {
      const { removeDestination } = await import('#use-cases/admin/remove-destination.ts');
      const moveTo = flags['move-to'];
      const moved = await removeDestination(deps, destinationId, moveTo === undefined ? {} : { moveTo });
      const notes = [
        ...(moved.movedAgents.length > 0 ? [`Agents now in ${moveTo}: ${moved.movedAgents.join(', ')}`] : []),
        ...(moved.movedConversations.length > 0
          ? [
              `${moved.movedConversations.length} open conversation(s) moved: ${moved.movedConversations.join(', ')}`,
            ]
          : []),
      ];
      return {
        data: { destinationId, removed: true, ...moved },
        text: [`Removed ${destinationId} (its id stays reserved)`, ...notes].join('\n'),
      };
    },
  }),
];
