import {
  closedEvent,
  employeeOf,
  fileMessageEvent,
  selectDestinationEvent,
  systemEmployee,
  textMessageEvent,
} from '#domain/platform/dialogstudio/events.ts';
import type { BotPlatform } from '#domain/platform/ports.ts';
import type { Config } from '#domain/shared/config.ts';

/** DialogStudio's Operator API as the bot platform: its events go to the channel's webhook (`setWebhook`). */
export function dialogStudio(config: Pick<Config, 'DEFAULT_AVATAR_URL'>): BotPlatform {
  return {
    senderOf: (agent) => employeeOf(agent, config),
    systemSender: (channel) => systemEmployee(channel, config),
    text: (sender, text) => ({
      target: 'dialogstudio',
      payload: ({ id }, { userId }) => textMessageEvent(id, userId, sender, text),
    }),
    file: (sender, file) => ({
      target: 'dialogstudio',
      payload: ({ id }, { userId }) => fileMessageEvent(id, userId, sender, file),
    }),
    closed: (sender) => ({
      target: 'dialogstudio',
      payload: ({ id }, { userId }) => closedEvent(id, userId, sender),
    }),
    destinationSelected: (sender, destination) => ({
      target: 'dialogstudio',
      payload: ({ id }, { userId }) => selectDestinationEvent(id, userId, sender, destination),
    }),
    isClosed: (body) => body.type === 'Closed',
  };
}
