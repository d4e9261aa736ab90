import { z } from 'zod';
import type { Deps } from '#domain/deps.ts';
import { ConflictError, NotFoundError, ValidationError } from '#domain/errors.ts';
import { newCredential, newId } from '#domain/ids.ts';
import type { Channel, Destination } from '#domain/model.ts';
import { channelsStore, destinationsStore } from '#store/config-records.ts';
import { isConditionFailure } from '#store/items.ts';

/** Managing channels and destinations: the command-line tool and the local runtime's first start. */

const destinationIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'use 1-64 letters, digits, - or _');
const nameSchema = z.string().trim().min(1, 'must not be empty').max(200);

function check<T>(schema: z.ZodType<T>, value: unknown, path: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues[0]?.message ?? 'invalid';
  throw new ValidationError('invalid_argument', `${path}: ${message}`, [{ path, message }]);
}

/** The Operator API URL that the user pastes into DialogStudio. */
export function operatorApiUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/operator/${token}`;
}

export async function createDestination(deps: Deps, input: { destinationId?: string; name: string }) {
  const destination: Destination = {
    destinationId: check(destinationIdSchema, input.destinationId ?? newId('dst'), 'destinationId'),
    name: check(nameSchema, input.name, 'name'),
    createdAt: deps.now().toISOString(),
  };
  try {
    await destinationsStore.create(deps.db, destination);
  } catch (error) {
    if (isConditionFailure(error)) {
      throw new ConflictError(
        'destination_exists',
        `Destination ${destination.destinationId} exists already`,
      );
    }
    throw error;
  }
  return destination;
}

export function listDestinations(deps: Deps) {
  return destinationsStore.list(deps.db);
}

export async function renameDestination(deps: Deps, destinationId: string, name: string) {
  await destinationsStore.update(deps.db, destinationId, { name: check(nameSchema, name, 'name') });
}

/** Removes a destination that no channel uses as its default; its open conversations stay where they are. */
export async function removeDestination(deps: Deps, destinationId: string) {
  if (!(await destinationsStore.get(deps.db, destinationId))) {
    throw new NotFoundError('destination_not_found', `No destination ${destinationId}`);
  }
  const users = (await channelsStore.list(deps.db)).filter((c) => c.defaultDestinationId === destinationId);
  if (users.length > 0) {
    const names = users.map((channel) => channel.channelId).join(', ');
    throw new ConflictError('destination_in_use', `Destination is the default of channel ${names}`);
  }
  await destinationsStore.remove(deps.db, destinationId);
}

export async function createChannel(deps: Deps, input: { name: string; defaultDestinationId: string }) {
  if (!(await destinationsStore.get(deps.db, input.defaultDestinationId))) {
    throw new NotFoundError('destination_not_found', `No destination ${input.defaultDestinationId}`);
  }
  const channelId = newId('ch');
  const { token, secretHash } = newCredential(channelId);
  const channel: Channel = {
    channelId,
    name: check(nameSchema, input.name, 'name'),
    secretHash,
    defaultDestinationId: input.defaultDestinationId,
    createdAt: deps.now().toISOString(),
  };
  await channelsStore.create(deps.db, channel);
  return { channel, token };
}

/** A new token for the channel; the old API URL stops working at once. */
export async function rotateChannelToken(deps: Deps, channelId: string) {
  const { token, secretHash } = newCredential(channelId);
  await channelsStore.update(deps.db, channelId, { secretHash });
  return { token };
}

/** Channels as the command-line tool shows them: no secrets. */
export async function listChannels(deps: Deps) {
  const channels = await channelsStore.list(deps.db);
  return channels.map(({ secretHash: _hash, agentPlatformSecret: _secret, ...visible }) => visible);
}
