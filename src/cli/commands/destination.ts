import { storeCommand } from '../command.ts';

export const destinationCommands = [
  storeCommand({
    group: 'destination',
    name: 'create',
    flags: { name: 'required', id: 'optional' },
    usage: '--name N [--id ID]',
    async run(deps, { flags }) {
      const { createDestination } = await import('#domain/admin.ts');
      const destination = await createDestination(deps, {
        name: flags.name,
        ...(flags.id !== undefined && { destinationId: flags.id }),
      });
      return { data: destination, text: `Destination: ${destination.destinationId}\t${destination.name}` };
    },
  }),
  storeCommand({
    group: 'destination',
    name: 'list',
    flags: {},
    usage: '',
    async run(deps) {
      const { listDestinations } = await import('#domain/admin.ts');
      const destinations = await listDestinations(deps);
      const lines = destinations.map((d) => `${d.destinationId}\t${d.name}`);
      return { data: destinations, text: lines.length === 0 ? 'No destinations' : lines.join('\n') };
    },
  }),
  storeCommand({
    group: 'destination',
    name: 'rename',
    target: '<id>',
    flags: { name: 'required' },
    usage: '--name N',
    async run(deps, { target: destinationId, flags: { name } }) {
      const { renameDestination } = await import('#domain/admin.ts');
      await renameDestination(deps, destinationId, name);
      return { data: { destinationId, name }, text: `Renamed ${destinationId} to ${name}` };
    },
  }),
  storeCommand({
    group: 'destination',
    name: 'remove',
    target: '<id>',
    flags: {},
    usage: '',
    async run(deps, { target: destinationId }) {
      const { removeDestination } = await import('#domain/admin.ts');
      await removeDestination(deps, destinationId);
      return { data: { destinationId, removed: true }, text: `Removed ${destinationId}` };
    },
  }),
];
