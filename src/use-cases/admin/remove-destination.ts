import type { Conversation } from '#domain/conversations/model.ts';
import { ConversationGoneError, writeToConversation } from '#domain/conversations/writes.ts';
import type { Destination } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { ConflictError, NotFoundError } from '#domain/shared/errors.ts';

/** The open (waiting or active) conversations of a queue, read page by page from the queue index. */
async function openConversationsIn(deps: Deps, queue: string): Promise<Conversation[]> {
  const open: Conversation[] = [];
  for (const status of ['waiting', 'active'] as const) {
    let after: string | undefined;
    for (;;) {
      const page = await deps.store.conversations.queue(queue, status, { after, limit: 200 });
      open.push(...page.conversations);
      if (!page.next) break;
      after = page.next;
    }
  }
  return open;
}

/**
 * Moves the open conversations of a removed (or removing) destination to `to`, or, for those that
 * reached it after the check, to their channel's default. Each write is guarded: only a conversation
 * still in `from` moves. Status and assignee stay; an assignee who is not in the new queue lapses.
 */
async function moveConversations(deps: Deps, from: string, to: Destination | undefined): Promise<string[]> {
  const moved: string[] = [];
  const channels = new Map((await deps.store.directory.channels.list()).map((c) => [c.channelId, c]));
  for (const listed of await openConversationsIn(deps, from)) {
    const targetId = to?.destinationId ?? channels.get(listed.channelId)?.defaultDestinationId;
    if (!targetId || targetId === from) continue;
    const target = to ?? (await deps.store.directory.destinations.get(targetId));
    const outcome = await writeToConversation(
      deps,
      listed.conversationId,
      {
        set: { destinationId: targetId },
        queue: { ...listed, destinationId: targetId },
        guard: { destinationIn: [from] },
      },
      [
        {
          content: {
            from: 'system',
            type: 'note',
            note: 'moved',
            text: `Moved to ${target?.name ?? targetId}: destination ${from} was removed`,
          },
        },
      ],
    ).catch((error: unknown) => {
      if (error instanceof ConversationGoneError) return { ok: false as const };
      throw error;
    });
    if (outcome.ok) moved.push(listed.conversationId);
  }
  return moved;
}

/**
 * Removes a destination; its id stays reserved for good. Refused while a channel uses it as its
 * default, and, unless `moveTo` names the destination that takes them over, while agents list it or
 * conversations are open in it: the reason names them. With `moveTo` its agents list that one
 * instead and its open conversations move there.
 */
export async function removeDestination(
  deps: Deps,
  destinationId: string,
  options: { moveTo?: string } = {},
) {
  const { directory } = deps.store;
  if (!(await directory.destinations.get(destinationId))) {
    throw new NotFoundError('destination_not_found', `No destination ${destinationId}`);
  }
  const defaults = (await directory.channels.list()).filter((c) => c.defaultDestinationId === destinationId);
  if (defaults.length > 0) {
    const names = defaults.map((channel) => channel.channelId).join(', ');
    throw new ConflictError('destination_in_use', `Destination is the default of channel ${names}`);
  }
  let moveTo: Destination | undefined;
  if (options.moveTo !== undefined) {
    moveTo = await directory.destinations.get(options.moveTo);
    if (!moveTo || options.moveTo === destinationId) {
      throw new NotFoundError('destination_not_found', `No other destination ${options.moveTo} to move to`, [
        { path: 'moveTo', message: 'no such other destination' },
      ]);
    }
  }
  const members = (await directory.agents.list()).filter((a) => a.destinations.includes(destinationId));
  const open = await openConversationsIn(deps, destinationId);
  if (!moveTo && (members.length > 0 || open.length > 0)) {
    const reasons = [
      ...(members.length > 0 ? [`agents list it: ${members.map((a) => a.employeeId).join(', ')}`] : []),
      ...(open.length > 0 ? [`${open.length} conversation(s) are open in it`] : []),
    ];
    throw new ConflictError(
      'destination_in_use',
      `Destination ${destinationId} is in use (${reasons.join('; ')}): move them with --move-to ID`,
    );
  }
  for (const member of members) {
    const destinations = [
      ...new Set(
        member.destinations.map((id) => (id === destinationId ? (moveTo?.destinationId ?? id) : id)),
      ),
    ];
    await directory.agents.update(member.employeeId, { destinations });
  }
  const moved = await moveConversations(deps, destinationId, moveTo);
  await directory.destinations.remove(destinationId, deps.now().toISOString());
  // What reached it between the look and the removal still finds a queue.
  moved.push(...(await moveConversations(deps, destinationId, moveTo)));
  return { movedAgents: members.map((a) => a.employeeId), movedConversations: [...new Set(moved)] };
}
