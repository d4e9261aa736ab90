import type { Config } from '#config';
import type { Store } from '#domain/ports.ts';
import type { Db } from '#store/table.ts';

/** What the domain needs from the outside world; built once per process and passed down. */
export interface Deps {
  db: Db;
  /** Conversations, transcripts, leases and the outbox index, behind the domain's own ports. */
  store: Store;
  config: Config;
  now: () => Date;
  /** Told after an outbox entry is written. In AWS the table's stream does this job, so it is a no-op there. */
  outboxWritten: (conversationId: string) => void;
}
