import { describe, expect, it } from 'vitest';
import { checkDuplicates } from './run.ts';
import type { Actor, ActorStep, Post } from './world.ts';

/**
 * The simulation's duplicate check on hand-made histories: what counts as a second delivery of an
 * attempt in flight (allowed by the promise) and what is a duplicate the engine should never send.
 */

const conversationId = 'cv_sim0001';
const eventId = `${conversationId}-6`;

function actor(name: string): Actor {
  return { name, offsetMs: 0, dead: false, faults: 0, owners: new Set(), letGoFailed: false };
}

function post(index: number, by: Actor, callsAtPost: number, savedAtCall?: number): Post {
  return {
    index,
    url: 'http://127.0.0.1:9/dialogstudio',
    eventId,
    conversationId,
    seq: 6,
    type: 'TextMessage',
    answer: 'ok',
    at: 0,
    actor: by.name,
    actorFaultsAtPost: by.faults,
    actorRef: by,
    callsAtPost,
    savedAtCall,
  };
}

const step = (by: Actor, atCall: number): ActorStep => ({ conversationId, actor: by, atCall });

function violations(history: {
  posts: Post[];
  leasesTaken?: ActorStep[];
  leasesLetGo?: ActorStep[];
  reads?: ActorStep[];
}): string[] {
  const found: string[] = [];
  checkDuplicates({ leasesTaken: [], leasesLetGo: [], reads: [], ...history }, (invariant, detail) =>
    found.push(`${invariant}: ${detail}`),
  );
  return found;
}

/**
 * A holder that posted at call 10 and saves its outcome at `savedAtCall`; its lease ran out, and the
 * sweep took it at 12, read the conversation at 14 and posted the event again at 16.
 */
function takeover(savedAtCall: number) {
  const slow = actor('deliver(stream)');
  const sweep = actor('sweep');
  return {
    posts: [post(0, slow, 10, savedAtCall), post(1, sweep, 16)],
    leasesTaken: [step(slow, 5), step(sweep, 12)],
    reads: [step(slow, 7), step(sweep, 14)],
  };
}

describe('the duplicate check', () => {
  it('allows a second delivery by a run that took the lease from a live holder before it saved the outcome', () => {
    expect(violations(takeover(20))).toEqual([]);
  });

  it('flags a second delivery by a run that read the conversation after the outcome was saved', () => {
    expect(violations(takeover(13))).toEqual([
      `duplicates only of attempts in flight: ${eventId} delivered again`,
    ]);
  });

  it('flags a second delivery after the holder let go without a fault, and one by the same run', () => {
    const first = actor('deliver(stream)');
    const second = actor('sweep');
    const letGo = {
      posts: [post(0, first, 10), post(1, second, 16)],
      leasesTaken: [step(first, 5), step(second, 12)],
      leasesLetGo: [step(first, 11)],
      reads: [step(second, 13)],
    };
    expect(violations(letGo)).toHaveLength(1);
    const sameRun = { posts: [post(0, first, 10), post(1, first, 16)], leasesTaken: [step(first, 12)] };
    expect(violations(sameRun)).toHaveLength(1);
  });

  it('allows a second delivery when the first hung, or its run met a fault after posting or died', () => {
    const hung = actor('deliver(stream)');
    const later = actor('sweep');
    expect(violations({ posts: [{ ...post(0, hung, 10), answer: 'hang' }, post(1, later, 16)] })).toEqual([]);
    const faulted = actor('deliver(stream)');
    const afterFault = post(0, faulted, 10);
    faulted.faults++;
    expect(violations({ posts: [afterFault, post(1, later, 16)] })).toEqual([]);
    const dead = { ...actor('deliver(stream)'), dead: true };
    expect(violations({ posts: [post(0, dead, 10), post(1, later, 16)] })).toEqual([]);
  });
});
