import type { Channel } from '#domain/directory/model.ts';
import type { DeliveryTarget } from '#domain/outbox/model.ts';
import type { Head } from '#domain/outbox/ports.ts';

/** Where events go: DialogStudio's webhook and the optional agent platform, each in its own order. */
export const targets: readonly DeliveryTarget[] = ['dialogstudio', 'platform'];

/** Where a target's events go, if it has an address yet. */
export function targetUrl(channel: Channel | undefined, target: DeliveryTarget): string | undefined {
  return target === 'dialogstudio' ? channel?.webhookUrl : channel?.agentPlatformUrl;
}

/** What a pass leaves on a target: settled, due again at a time, or waiting for the channel's URL. */
export type TargetResult = 'settled' | Exclude<Head, undefined>;
