import { assertWebhookAllowed, webhookPolicy } from '#domain/directory/webhook-url.ts';
import { releaseWaitingEvents } from '#domain/outbox/waiting.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { NotFoundError } from '#domain/shared/errors.ts';
import { newSigningSecret } from '#domain/shared/ids.ts';

/**
 * Sets (or with `undefined` clears) the channel's agent-platform URL, where client events go as
 * signed notifications. Returns a new signing secret, shown once; events that waited for the URL go out.
 */
export async function setAgentPlatform(deps: Deps, channelId: string, url: string | undefined) {
  const { channels } = deps.store.directory;
  if (!(await channels.get(channelId))) {
    throw new NotFoundError('channel_not_found', `No channel ${channelId}`);
  }
  if (url === undefined) {
    await channels.update(channelId, {
      agentPlatformUrl: undefined,
      agentPlatformSecret: undefined,
    });
    await deps.store.directory.channelSecrets.setPlatformSecret(channelId, undefined);
    return { channelId };
  }
  // The agent platform is the user's own service, not DialogStudio: the DialogStudio host list does not apply.
  const checked = await assertWebhookAllowed(url, { ...webhookPolicy(deps.config), allowedHosts: [] });
  const secret = newSigningSecret();
  // The secret first, in an item of its own: the channel, which many functions read, never holds it.
  await deps.store.directory.channelSecrets.setPlatformSecret(channelId, secret);
  await channels.update(channelId, {
    agentPlatformUrl: checked.href,
    agentPlatformSecret: undefined,
  });
  await releaseWaitingEvents(deps, channelId, 'platform');
  return { channelId, agentPlatformUrl: checked.href, signingSecret: secret };
}
