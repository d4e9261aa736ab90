import type { Channel } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { avatarSchema, check, found, nameSchema } from '#use-cases/admin/checks.ts';

export interface ChannelChanges {
  /** The system sender's name; empty clears it (the channel's name is used then). */
  systemName?: string;
  /** The system sender's avatar; empty clears it (the default avatar is used then). */
  systemAvatarUrl?: string;
}

/** An empty value clears the field; anything else must pass its check. */
function setOrClear<T>(value: string | undefined, read: (value: string) => T) {
  if (value === undefined) return {};
  return { value: value.trim() === '' ? undefined : read(value) };
}

/**
 * Changes a channel's settings: for now its system sender, the author of automatic replies (its
 * `employeeId` is always `system`). Checked before anything is written; answers the channel as stored.
 */
export async function updateChannel(deps: Deps, channelId: string, changes: ChannelChanges) {
  const name = setOrClear(changes.systemName, (value) => check(nameSchema, value, 'systemName'));
  const avatar = setOrClear(changes.systemAvatarUrl, (value) =>
    check(avatarSchema, value, 'systemAvatarUrl'),
  );
  const update: Partial<Channel> = {
    ...('value' in name && { systemName: name.value }),
    ...('value' in avatar && { systemAvatarUrl: avatar.value }),
  };
  const { channels } = deps.store.directory;
  found(await channels.update(channelId, update), 'channel', channelId);
  const channel = (await channels.get(channelId)) as Channel;
  return {
    channelId,
    name: channel.name,
    ...(channel.systemName !== undefined && { systemName: channel.systemName }),
    ...(channel.systemAvatarUrl !== undefined && { systemAvatarUrl: channel.systemAvatarUrl }),
  };
}
