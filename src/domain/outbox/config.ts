/**
 * Pending work is spread over this many index partitions by conversation, so no single key takes every
 * outbox write; the sweep looks in each one. The store decides which partition a conversation's work
 * goes to (`#store/keys.ts`).
 */
export const OUTBOX_SHARDS = 8;

/** The outbox's shards, each one a place where the sweep finds due work. */
export const outboxShards: readonly number[] = Array.from({ length: OUTBOX_SHARDS }, (_, shard) => shard);
