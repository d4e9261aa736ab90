import type { LiveNotification } from '#api/live.ts';
import type { ConversationChange } from '#domain/conversations/changes.ts';
import { type Agent, credentialVersionOf } from '#domain/directory/model.ts';
import type { Listener } from '#domain/live/ports.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { closeConnection } from '#live/connections.ts';
import { notificationOf } from '#live/notifications.ts';
import { logger } from '#logger';

/** Sends one message to one connection: the management API in AWS, the open socket locally. */
export interface ConnectionPoster {
  post(connectionId: string, data: string): Promise<'sent' | 'gone' | 'failed'>;
}

export interface FanOutResult {
  sent: number;
  /** Connections that were gone (410 in AWS, no socket locally) and were deleted. */
  pruned: number;
  failed: number;
}

/** The queues to tell: those the change names, or the conversation's current one, read once per batch. */
async function queuesFor(deps: Deps, addressed: { destinationIds: string[]; conversationId: string }[]) {
  const current = new Map<string, Promise<string | undefined>>();
  return Promise.all(
    addressed.map(async ({ destinationIds, conversationId }) => {
      if (destinationIds.length > 0) return destinationIds;
      if (!current.has(conversationId)) {
        current.set(
          conversationId,
          deps.store.conversations.get(conversationId).then((conversation) => conversation?.destinationId),
        );
      }
      const destinationId = await current.get(conversationId);
      return destinationId ? [destinationId] : [];
    }),
  );
}

/**
 * Turns a batch of changes into notifications and sends each to every open connection of an agent who
 * may see the conversation (its destination is among the agent's queues, as they are now: a revoked
 * agent, one moved out of a group, or a session of an older credential version hears nothing more),
 * once per connection, in the order of the changes. A connection that is gone is deleted. Nothing
 * here reads or sends message data.
 */
export async function fanOut(
  deps: Deps,
  changes: ConversationChange[],
  poster: ConnectionPoster,
): Promise<FanOutResult> {
  const seen = new Set<string>();
  const addressed = changes.flatMap((change) => {
    const found = notificationOf(change);
    if (!found) return [];
    const key = JSON.stringify(found);
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ ...found, conversationId: found.notification.conversationId }];
  });
  if (addressed.length === 0) return { sent: 0, pruned: 0, failed: 0 };

  const queues = await queuesFor(deps, addressed);
  const listenersOf = new Map<string, Promise<{ connectionId: string }[]>>();
  const now = deps.now().getTime();
  let agents: Promise<Map<string, Agent>> | undefined;
  // A connection keeps the queues of its connect time: it hears only what its agent may still see now.
  const stillAllowed = async (queue: string, listeners: Listener[]) => {
    if (listeners.length === 0) return [];
    agents ??= deps.store.directory.agents
      .list()
      .then((list) => new Map(list.map((agent) => [agent.employeeId, agent])));
    const current = await agents;
    return listeners.filter(({ employeeId, credentialVersion }) => {
      const agent = current.get(employeeId);
      return (
        agent &&
        !agent.revoked &&
        credentialVersionOf(agent) === credentialVersion &&
        [...agent.destinations, agent.employeeId].includes(queue)
      );
    });
  };
  for (const queue of new Set(queues.flat())) {
    listenersOf.set(
      queue,
      deps.store.live.listeners(queue, now).then((listeners) => stillAllowed(queue, listeners)),
    );
  }

  const outbox = new Map<string, LiveNotification[]>();
  for (const [i, { notification }] of addressed.entries()) {
    const connections = new Set<string>();
    for (const queue of queues[i] ?? []) {
      for (const { connectionId } of (await listenersOf.get(queue)) ?? []) connections.add(connectionId);
    }
    for (const connectionId of connections) {
      outbox.set(connectionId, [...(outbox.get(connectionId) ?? []), notification]);
    }
  }

  const result: FanOutResult = { sent: 0, pruned: 0, failed: 0 };
  await Promise.all(
    [...outbox].map(async ([connectionId, notifications]) => {
      for (const notification of notifications) {
        const outcome = await poster.post(connectionId, JSON.stringify(notification));
        if (outcome === 'sent') {
          result.sent++;
          continue;
        }
        if (outcome === 'gone') {
          await closeConnection(deps, connectionId);
          result.pruned++;
        } else {
          result.failed++;
        }
        return;
      }
    }),
  );
  if (result.pruned > 0 || result.failed > 0) logger.info('live fan-out', { ...result });
  return result;
}
