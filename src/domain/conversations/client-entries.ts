import { agentView, entryView } from '#domain/conversations/views.ts';
import type { EntryContent, NewEntry } from '#domain/conversations/writes.ts';
import type { Channel } from '#domain/directory/model.ts';

/**
 * A client-side entry (message, file, opened, closed by client). When the channel has an agent
 * platform, the entry is also its Standard Webhooks notification, hidden attributes left out.
 */
export function clientEntry(channel: Channel, content: EntryContent, notificationType: string): NewEntry {
  if (!channel.agentPlatformUrl) return { content };
  return {
    content,
    event: {
      target: 'platform',
      payload: (entry, conversation) => ({
        type: notificationType,
        timestamp: entry.createdAt,
        data: { conversation: agentView(conversation), message: entryView(entry) },
      }),
    },
  };
}
