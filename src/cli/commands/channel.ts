import { CommandFailure, localCommand, storeCommand, UsageError } from '../command.ts';
import { readLocalStack } from '../store.ts';

export const channelCommands = [
  storeCommand({
    group: 'channel',
    name: 'create',
    flags: { name: 'required', 'default-destination': 'required', 'base-url': 'optional' },
    usage: '--name N --default-destination D [--base-url U]',
    async run(deps, { flags, baseUrl }) {
      const { createChannel, operatorApiUrl } = await import('#domain/admin.ts');
      const { channel, token } = await createChannel(deps, {
        name: flags.name,
        defaultDestinationId: flags['default-destination'],
      });
      const url = operatorApiUrl(baseUrl, token);
      return {
        data: { channelId: channel.channelId, operatorApiUrl: url },
        text:
          `Channel: ${channel.channelId}\nOperator API URL: ${url}\n` +
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
      const { listChannels } = await import('#domain/admin.ts');
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
    async run(deps, { target: channelId, baseUrl }) {
      const { operatorApiUrl, rotateChannelToken } = await import('#domain/admin.ts');
      const { token } = await rotateChannelToken(deps, channelId);
      const url = operatorApiUrl(baseUrl, token);
      return {
        data: { channelId, operatorApiUrl: url },
        text: `New Operator API URL: ${url}\n(the old URL no longer works)`,
      };
    },
  }),
  localCommand({
    group: 'channel',
    name: 'url',
    target: '<channelId>',
    flags: {},
    usage: '',
    async run({ target: channelId, dataDir }) {
      const local = await readLocalStack(dataDir);
      if (local?.channelId === channelId && local.operatorApiUrl) {
        return { data: { channelId, operatorApiUrl: local.operatorApiUrl }, text: local.operatorApiUrl };
      }
      throw new CommandFailure(
        `The token of channel ${channelId} is stored hashed, so its Operator API URL cannot be recovered.\n` +
          `Issue a new one with: operator-bridge channel rotate-token ${channelId}`,
      );
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
      const { setAgentPlatform } = await import('#domain/admin.ts');
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
