import { byShortcut } from '#domain/directory/canned-replies.ts';
import type { CannedReply } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';

/** Every canned reply, or those of one destination, by shortcut. */
export async function listCannedReplies(deps: Deps, destinationId?: string): Promise<CannedReply[]> {
  return (await deps.store.directory.cannedReplies.list(destinationId)).sort(byShortcut);
}
