import { withoutTrailingSlashes } from '#domain/shared/base-url.ts';
import { chooseBaseUrl, noBaseHint } from '../base-url.ts';
import { CommandFailure, storeCommand, UsageError } from '../command.ts';
import { readLocalStack } from '../store.ts';

/** The channel's API URL when a base is known; the path alone, with what to do, when none is. */
async function operatorApi(base: string | undefined, token: string) {
  const { operatorApiUrl } = await import('#use-cases/admin/urls.ts');
  const path = `/operator/${token}`;
  return base
    ? { data: { operatorApiUrl: operatorApiUrl(base, token) }, text: operatorApiUrl(base, token) }
    : { data: { operatorApiPath: path }, text: `{API base}${path}\n(${noBaseHint})` };
}

export const channelCommands = [
  storeCommand({
    group: 'channel',
    name: 'create',
    creates: true,
    flags: { name: 'required', 'default-destination': 'required', 'base-url': 'optional' },
    usage: '--name N --default-destination D [--base-url U]',
    async run(deps, { flags, bases }) {
      const { createChannel } = await import('#use-cases/admin/create-channel.ts');
      const base = chooseBaseUrl(bases);
      // Kept with the channel only when it is an address of the deployment, not a local stack's port.
      const lasting = bases.flag || bases.publicUrl;
      const { channel, token } = await createChannel(deps, {
        name: flags.name,
        defaultDestinationId: flags['default-destination'],
        ...(lasting && { baseUrl: withoutTrailingSlashes(lasting) }),
      });
      const api = await operatorApi(base, token);
      return {
        data: { channelId: channel.channelId, ...api.data },
        text:
          `Channel: ${channel.channelId}\nOperator API URL: ${api.text}\n` +
          '(shown only now: the token is stored hashed; use rotate-token to get a new one)',
      };
    },
  }),
  storeCommand({
    group: 'channel',
    name: 'list',
    flags: {},
    usage: '',
    async run(deps) {
      const { listChannels } = await import('#use-cases/admin/list-channels.ts');
      const channels = await listChannels(deps);
      const lines = channels.map(
        (c) => `${c.channelId}\t${c.name}\tdefault destination: ${c.defaultDestinationId}`,
      );
      return { data: channels, text: lines.length === 0 ? 'No channels' : lines.join('\n') };
    },
  }),
  storeCommand({
    group: 'channel',
    name: 'rotate-token',
    target: '<channelId>',
    flags: { 'base-url': 'optional' },
    usage: '[--base-url U]',
    async run(deps, { target: channelId, bases }) {
      const { rotateChannelToken } = await import('#use-cases/admin/rotate-channel-token.ts');
      const stored = (await deps.store.directory.channels.get(channelId))?.baseUrl;
      const { token } = await rotateChannelToken(deps, channelId);
      const api = await operatorApi(chooseBaseUrl({ ...bases, stored }), token);
      return {
        data: { channelId, ...api.data },
        text: `New Operator API URL: ${api.text}\n(the old URL no longer works)`,
      };
    },
  }),
  storeCommand({
    group: 'channel',
    name: 'url',
    target: '<channelId>',
    flags: {},
    usage: '',
    async run(deps, { target: channelId, dataDir }) {
      const { NotFoundError } = await import('#domain/shared/errors.ts');
      if (!(await deps.store.directory.channels.get(channelId))) {
        throw new NotFoundError('channel_not_found', `No channel ${channelId}`);
      }
      const local = await readLocalStack(dataDir);
      if (local?.channelId === channelId && local.operatorApiUrl) {
        return { data: { channelId, operatorApiUrl: local.operatorApiUrl }, text: local.operatorApiUrl };
      }
      throw new CommandFailure(
        `error: the token of channel ${channelId} is stored hashed, so its URL cannot be shown again: issue a new one with operator-bridge channel rotate-token ${channelId}`,
      );
    },
  }),
  storeCommand({
    group: 'channel',
    name: 'update',
    target: '<channelId>',
    flags: { 'system-name': 'optional', 'system-avatar': 'optional' },
    usage: '[--system-name N] [--system-avatar URL]',
    check({ flags }) {
      if (flags['system-name'] === undefined && flags['system-avatar'] === undefined) {
        throw new UsageError('nothing to change: give --system-name or --system-avatar ("" clears one)');
      }
    },
    async run(deps, { target: channelId, flags }) {
      const { updateChannel } = await import('#use-cases/admin/update-channel.ts');
      const channel = await updateChannel(deps, channelId, {
        systemName: flags['system-name'],
        systemAvatarUrl: flags['system-avatar'],
      });
      return {
        data: channel,
        text:
          `Channel ${channelId}: automatic replies come from "${channel.systemName ?? channel.name}" ` +
          `(employeeId system), avatar ${channel.systemAvatarUrl ?? 'the default'}`,
      };
    },
  }),
  storeCommand({
    group: 'channel',
    name: 'set-platform',
    target: '<channelId>',
    flags: { url: 'optional', clear: 'optional' },
    usage: '--url U | --clear',
    check({ flags }) {
      if (flags.clear && flags.url !== undefined) throw new UsageError('give --url or --clear, not both');
      if (!flags.clear && flags.url === undefined) throw new UsageError('missing --url (or --clear)');
    },
    async run(deps, { target: channelId, flags }) {
      const { setAgentPlatform } = await import('#use-cases/admin/set-agent-platform.ts');
      if (flags.clear) {
        await setAgentPlatform(deps, channelId, undefined);
        return {
          data: { channelId, agentPlatformUrl: null },
          text: `Channel ${channelId} no longer notifies an agent platform`,
        };
      }
      const platform = await setAgentPlatform(deps, channelId, flags.url);
      return {
        data: platform,
        text:
          `Agent platform URL: ${platform.agentPlatformUrl}\nSigning secret: ${platform.signingSecret}\n` +
          '(shown only now; set-platform again issues a new one)',
      };
    },
  }),
];
