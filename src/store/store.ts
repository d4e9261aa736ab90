import type { Store } from '#domain/shared/store.ts';
import { dynamoDirectory } from '#store/config-records.ts';
import { dynamoConversations } from '#store/conversations.ts';
import { dynamoIdempotency } from '#store/idempotency.ts';
import { dynamoLeases } from '#store/leases.ts';
import { dynamoLive } from '#store/live.ts';
import { dynamoOutboxIndex } from '#store/outbox-index.ts';
import { dynamoRetention } from '#store/retention.ts';
import type { Db } from '#store/table.ts';
import { dynamoTranscript } from '#store/transcript.ts';

/** The domain's ports, implemented on the one DynamoDB table. */
export function dynamoStore(db: Db): Store {
  return {
    conversations: dynamoConversations(db),
    transcript: dynamoTranscript(db),
    leases: dynamoLeases(db),
    outbox: dynamoOutboxIndex(db),
    directory: dynamoDirectory(db),
    idempotency: dynamoIdempotency(db),
    live: dynamoLive(db),
    retention: dynamoRetention(db),
  };
}
