/** One agent's Idempotency-Key for one conversation: who claimed it with which request, and the first answer. */
export interface IdempotencyRecord {
  fingerprint: string;
  claimedAt: string;
  response?: Record<string, unknown>;
}

export interface IdempotencyScope {
  employeeId: string;
  conversationId: string;
}

export interface IdempotencyPort {
  /**
   * Claims a key, so that of two requests with the same key only one does the work. A claim older than
   * `staleBefore` whose work never finished may be taken over by the same request. The record expires at `expiresAt`.
   */
  claim(
    scope: IdempotencyScope,
    key: string,
    claim: { fingerprint: string; claimedAt: string; staleBefore: string; expiresAt: string },
  ): Promise<{ claimed: true } | { claimed: false; record: IdempotencyRecord }>;
  complete(scope: IdempotencyScope, key: string, response: Record<string, unknown>): Promise<void>;
  /** Lets go of an unfinished claim of this request (a refused write claims nothing). */
  release(scope: IdempotencyScope, key: string, fingerprint: string): Promise<void>;
}
