import type { Deps } from '#domain/shared/deps.ts';
import { NotFoundError } from '#domain/shared/errors.ts';

export async function removeCannedReply(deps: Deps, replyId: string): Promise<void> {
  if (!(await deps.store.directory.cannedReplies.remove(replyId))) {
    throw new NotFoundError('reply_not_found', `No canned reply ${replyId}`);
  }
}
