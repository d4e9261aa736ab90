import type { Channel } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { UnauthorizedError } from '#domain/shared/errors.ts';
import { parseCredential, secretMatches } from '#domain/shared/ids.ts';

/** The channel whose token is in the API URL; 401 for anything else, with no side effect. */
export async function authenticateChannel(deps: Deps, token: string | undefined): Promise<Channel> {
  const credential = parseCredential(token);
  const channel = credential && (await deps.store.directory.channels.get(credential.ownerId));
  if (!credential || !channel || !secretMatches(credential.secret, channel.secretHash)) {
    throw new UnauthorizedError('Unknown channel token');
  }
  return channel;
}
