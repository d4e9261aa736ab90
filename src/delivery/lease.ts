import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Deps } from '#domain/shared/deps.ts';

/**
 * The delivery lease, kept on the conversation item: one run at a time delivers a conversation. A run
 * that finds it held asks the holder to look once more before it lets go, so nothing announced is
 * stranded; letting go saves the run's progress (`deps.store.leases.release`).
 */

/** A lease holder: one per delivery run, so two runs in one process exclude each other too. */
export function newLeaseOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID()}`;
}

/**
 * Takes the conversation's lease and answers its delivery state; when another run holds it, asks that
 * run to look once more before it lets go and answers undefined.
 */
export async function takeLease(deps: Deps, conversationId: string, owner: string, until: Date) {
  for (let tries = 0; tries < 2; tries++) {
    const state = await deps.store.leases.acquire(conversationId, owner, deps.now(), until);
    if (state !== 'held') return state;
    if (await deps.store.leases.requestAnotherPass(conversationId, deps.now())) return undefined;
  }
  return undefined;
}
