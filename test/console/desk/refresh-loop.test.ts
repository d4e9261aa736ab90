import { describe, expect, it } from 'vitest';
import { RefreshLoop } from '../../../console/src/desk/refresh-loop.ts';

/** A load that waits until the test lets it finish, recording what each pass was asked for. */
function heldLoads() {
  const passes: { transcript: boolean }[] = [];
  const releases: (() => void)[] = [];
  const load = (options: { transcript: boolean }) => {
    passes.push(options);
    return new Promise<void>((resolve) => releases.push(resolve));
  };
  const releaseNext = async () => {
    releases.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { passes, load, releaseNext };
}

describe('the refresh loop', () => {
  it('folds every request made during a pass into one more pass, asking for the transcript if any did', async () => {
    // Prepare
    const { passes, load, releaseNext } = heldLoads();
    const loop = new RefreshLoop(load);
    // Act
    const first = loop.request({ transcript: false });
    const second = loop.request({ transcript: false });
    const third = loop.request({ transcript: true });
    await releaseNext();
    await releaseNext();
    await Promise.all([first, second, third]);
    // Assess
    expect(passes).toEqual([{ transcript: false }, { transcript: true }]);
    expect(second).toBe(first);
  });

  it('starts afresh once idle', async () => {
    const { passes, load, releaseNext } = heldLoads();
    const loop = new RefreshLoop(load);
    const first = loop.request({ transcript: true });
    await releaseNext();
    await first;
    const later = loop.request({ transcript: false });
    await releaseNext();
    await later;
    expect(passes).toEqual([{ transcript: true }, { transcript: false }]);
    expect(later).not.toBe(first);
  });
});
