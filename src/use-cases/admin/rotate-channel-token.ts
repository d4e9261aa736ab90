import type { Deps } from '#domain/shared/deps.ts';
import { newCredential } from '#domain/shared/ids.ts';
import { found } from '#use-cases/admin/checks.ts';

/** A new token for the channel; the old API URL stops working at once. */
export async function rotateChannelToken(deps: Deps, channelId: string) {
  const { token, secretHash } = newCredential(channelId);
  found(await deps.store.directory.channels.update(channelId, { secretHash }), 'channel', channelId);
  return { token };
}
