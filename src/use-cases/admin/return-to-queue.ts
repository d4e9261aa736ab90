import { replyIfOffline } from '#domain/conversations/send-automatic-replies.ts';
import { writeToConversation } from '#domain/conversations/writes.ts';
import type { Deps } from '#domain/shared/deps.ts';

/**
 * Puts the conversations that `employeeId` accepted in `queues` back to `waiting`, unassigned, so that
 * another agent can take them (PRODUCT.md section 3), with a system note saying why. Each write is
 * conditional on the conversation still being that agent's in one of those queues. The queue index is
 * eventually consistent, so a conversation accepted a moment earlier can be missed here; the agent use
 * cases treat a revoked or absent assignee as nobody, which covers it.
 */
export async function returnToQueue(deps: Deps, employeeId: string, queues: string[], reason: string) {
  const returned: string[] = [];
  for (const queue of queues) {
    let after: string | undefined;
    for (;;) {
      const page = await deps.store.conversations.queue(queue, 'active', { after, limit: 200 });
      for (const listed of page.conversations) {
        if (listed.assignee !== employeeId) continue;
        // Guarded: only if it is still this agent's, in one of the queues it lost.
        const outcome = await writeToConversation(
          deps,
          listed.conversationId,
          {
            set: { status: 'waiting', assignee: undefined },
            queue: { ...listed, status: 'waiting' },
            guard: { assigneeIs: employeeId, destinationIn: queues },
          },
          [
            {
              content: {
                from: 'system',
                type: 'note',
                note: 'returned_to_queue',
                employeeId,
                text: `Back in the queue: ${reason}`,
              },
            },
          ],
        );
        if (!outcome.ok) continue;
        returned.push(listed.conversationId);
        await replyIfOffline(deps, outcome.conversation);
      }
      if (!page.next) break;
      after = page.next;
    }
  }
  return returned;
}
