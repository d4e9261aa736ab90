import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Presence } from '../../../console/src/api.ts';
import { PresenceKeeper } from '../../../console/src/desk/presence.ts';

/** An Agent API whose presence answers the test scripts; every call is recorded. */
function presenceApi(answer: (online: boolean) => Promise<Presence>) {
  const calls: boolean[] = [];
  return {
    calls,
    api: {
      setPresence: (online: boolean) => {
        calls.push(online);
        return answer(online);
      },
    },
  };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('presence and its heartbeat', () => {
  it('repeats online at the interval the API answers, and sends nothing more once away', async () => {
    // Prepare
    const { calls, api } = presenceApi(async (online) => ({ online, heartbeatSeconds: 30 }));
    const turned: boolean[] = [];
    const keeper = new PresenceKeeper(api, { confirmed: (_, turn) => turned.push(turn), failed: () => {} });
    // Act
    await keeper.set(true);
    await vi.advanceTimersByTimeAsync(30_000);
    await vi.advanceTimersByTimeAsync(30_000);
    await keeper.set(false);
    await vi.advanceTimersByTimeAsync(120_000);
    // Assess
    expect(calls).toEqual([true, true, true, false]);
    expect(turned).toEqual([true, false, false, true]);
  });

  it('tries again while the agent wants to be online, and says why it failed', async () => {
    let fail = true;
    const { calls, api } = presenceApi(async (online) => {
      if (fail) throw new Error('offline');
      return { online, heartbeatSeconds: 30 };
    });
    const failures: unknown[] = [];
    const keeper = new PresenceKeeper(api, { confirmed: () => {}, failed: (error) => failures.push(error) });
    await keeper.set(true);
    fail = false;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toEqual([true, true]);
    expect(failures).toHaveLength(1);
  });

  it('lets only the answer to the latest change count', async () => {
    const answers: ((presence: Presence) => void)[] = [];
    const { api } = presenceApi(() => new Promise((resolve) => answers.push(resolve)));
    const confirmed: boolean[] = [];
    const keeper = new PresenceKeeper(api, {
      confirmed: (presence) => confirmed.push(presence.online),
      failed: () => {},
    });
    const goingOnline = keeper.set(true);
    const goingAway = keeper.set(false);
    answers[1]?.({ online: false, heartbeatSeconds: 30 });
    answers[0]?.({ online: true, heartbeatSeconds: 30 });
    await Promise.all([goingOnline, goingAway]);
    expect(confirmed).toEqual([false]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops the heartbeat when the console goes away', async () => {
    const { calls, api } = presenceApi(async (online) => ({ online, heartbeatSeconds: 30 }));
    const keeper = new PresenceKeeper(api, { confirmed: () => {}, failed: () => {} });
    await keeper.set(true);
    keeper.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(calls).toEqual([true]);
  });
});
