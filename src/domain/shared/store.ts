import type { ConversationsPort, RetentionPort, TranscriptPort } from '#domain/conversations/ports.ts';
import type { DirectoryPort } from '#domain/directory/ports.ts';
import type { IdempotencyPort } from '#domain/idempotency/ports.ts';
import type { LivePort } from '#domain/live/ports.ts';
import type { LeasePort, OutboxIndexPort } from '#domain/outbox/ports.ts';

/** Everything storage offers the domain. */
export interface Store {
  conversations: ConversationsPort;
  transcript: TranscriptPort;
  leases: LeasePort;
  outbox: OutboxIndexPort;
  directory: DirectoryPort;
  idempotency: IdempotencyPort;
  live: LivePort;
  retention: RetentionPort;
}
