import { loadConfig } from '#config';
import { outboxSignals } from '#delivery/signals.ts';
import type { Deps } from '#domain/deps.ts';
import { dynamoStore } from '#store/store.ts';
import { createDb } from '#store/table.ts';

let built: Deps | undefined;

/** The process-wide dependencies, built on first use from the environment (Lambda or local runtime). */
export function defaultDeps(): Deps {
  if (!built) {
    const config = loadConfig();
    const db = createDb(config);
    built = {
      config,
      db,
      store: dynamoStore(db),
      now: () => new Date(),
      outboxWritten: (conversationId) => outboxSignals.emit('conversation', conversationId),
    };
  }
  return built;
}
