import { queuesOf } from '#domain/directory/agents.ts';
import { byShortcut } from '#domain/directory/canned-replies.ts';
import type { Agent } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';

/** The canned replies of the agent's groups and of its own queue, by shortcut: what its composer offers after `/`. */
export async function listCannedReplies(deps: Deps, agent: Agent) {
  const perQueue = await Promise.all(
    queuesOf(agent).map((destinationId) => deps.store.directory.cannedReplies.list(destinationId)),
  );
  return {
    replies: perQueue
      .flat()
      .sort(byShortcut)
      .map(({ replyId, destinationId, shortcut, title, text }) => ({
        replyId,
        destinationId,
        shortcut,
        title,
        text,
      })),
  };
}
