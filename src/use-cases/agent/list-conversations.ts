import type { ConversationsQuery } from '#api/agent.ts';
import type { Conversation } from '#domain/conversations/model.ts';
import { decodeCursor, encodeCursor, positionOf, withinBytes } from '#domain/conversations/paging.ts';
import { agentView } from '#domain/conversations/views.ts';
import { queuesOf } from '#domain/directory/agents.ts';
import type { Agent } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { NotFoundError } from '#domain/shared/errors.ts';

/**
 * The conversations the agent may see, oldest first, a page at a time: waiting and active ones unless
 * a status is asked for. `next` (pass it as `cursor`) is there while more remain.
 */
export async function listConversations(deps: Deps, agent: Agent, query: ConversationsQuery) {
  const queues = queuesOf(agent);
  if (query.destinationId && !queues.includes(query.destinationId)) {
    throw new NotFoundError('destination_not_found', 'No such destination among yours');
  }
  const limit = query.limit ?? 50;
  const after = decodeCursor(query.cursor);
  const wanted = query.destinationId ? [query.destinationId] : queues;
  const statuses: Conversation['status'][] = query.status ? [query.status] : ['waiting', 'active'];
  const lists = await Promise.all(
    wanted.flatMap((queue) =>
      statuses.map((status) => deps.store.conversations.queue(queue, status, { after, limit: limit + 1 })),
    ),
  );
  // A queue whose page stopped early is known only up to where it stopped: nothing past the earliest such
  // point is shown yet, so a conversation it has not read cannot be skipped by the cursor.
  const horizon = lists
    .map((list) => list.next)
    .filter((next): next is string => next !== undefined)
    .sort()[0];
  const sorted = lists
    .flatMap((list) => list.conversations)
    .filter((conversation) => horizon === undefined || positionOf(conversation) <= horizon)
    .sort((a, b) => (positionOf(a) < positionOf(b) ? -1 : 1));
  const page = withinBytes(sorted, limit, agentView);
  const last = page.at(-1);
  const more = sorted.length > page.length || horizon !== undefined;
  const next = last ? positionOf(last) : horizon;
  return {
    conversations: page.map(agentView),
    ...(more && next && { next: encodeCursor(next) }),
  };
}
