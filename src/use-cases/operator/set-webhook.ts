import type { SetWebhookInput } from '#api/operator.ts';
import type { Channel } from '#domain/directory/model.ts';
import { assertWebhookAllowed, webhookPolicy } from '#domain/directory/webhook-url.ts';
import { releaseWaitingEvents } from '#domain/outbox/waiting.ts';
import type { Deps } from '#domain/shared/deps.ts';

export async function setWebhook(deps: Deps, channel: Channel, input: SetWebhookInput) {
  const url = await assertWebhookAllowed(input.url, webhookPolicy(deps.config));
  await deps.store.directory.channels.update(channel.channelId, { webhookUrl: url.href });
  await releaseWaitingEvents(deps, channel.channelId, 'dialogstudio');
  return {};
}
