import type { Channel } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { NotFoundError } from '#domain/shared/errors.ts';
import { newCredential, newId } from '#domain/shared/ids.ts';
import { check, nameSchema } from '#use-cases/admin/checks.ts';

export async function createChannel(
  deps: Deps,
  input: { name: string; defaultDestinationId: string; baseUrl?: string },
) {
  if (!(await deps.store.directory.destinations.get(input.defaultDestinationId))) {
    throw new NotFoundError('destination_not_found', `No destination ${input.defaultDestinationId}`);
  }
  const channelId = newId('ch');
  const { token, secretHash } = newCredential(channelId);
  const channel: Channel = {
    channelId,
    name: check(nameSchema, input.name, 'name'),
    secretHash,
    defaultDestinationId: input.defaultDestinationId,
    ...(input.baseUrl && { baseUrl: input.baseUrl }),
    createdAt: deps.now().toISOString(),
  };
  await deps.store.directory.channels.create(channel);
  return { channel, token };
}
