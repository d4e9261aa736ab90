import type { Deps } from '#domain/shared/deps.ts';

/** Channels as the command-line tool shows them: no secrets. */
export async function listChannels(deps: Deps) {
  const channels = await deps.store.directory.channels.list();
  return channels.map(({ secretHash: _hash, agentPlatformSecret: _secret, ...visible }) => visible);
}
