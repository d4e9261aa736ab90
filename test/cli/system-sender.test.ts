import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Wired } from '#deps';
import { newCredential } from '#domain/shared/ids.ts';
import { createAgent } from '#use-cases/admin/create-agent.ts';
import { createDestination } from '#use-cases/admin/create-destination.ts';
import { updateChannel } from '#use-cases/admin/update-channel.ts';
import { updateDestination } from '#use-cases/admin/update-destination.ts';
import { authenticateAgent } from '#use-cases/agent/authenticate-agent.ts';
import { seedChannel, tableSnapshot } from '../support/clients.ts';
import { useEmbeddedStore } from '../support/embedded-store.ts';

/** The admin use cases behind `channel update` and `destination update`'s reply flags, on the embedded store. */

let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let deps: Wired;

beforeAll(async () => {
  store = await useEmbeddedStore();
  deps = store.deps;
});
afterAll(() => store.close());

/** The error a call throws, as the CLI would print it: its code and failing fields. */
async function refusal(call: Promise<unknown>) {
  const error = (await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )) as { code?: string; issues?: { path: string }[] } | undefined;
  return { code: error?.code, paths: error?.issues?.map((issue) => issue.path) };
}

describe('the system sender and automatic replies, as the CLI sets them', () => {
  it('sets and clears the system sender, and refuses a bad avatar without writing', async () => {
    // Prepare
    const { channel } = await seedChannel(deps);
    // Act
    const set = await updateChannel(deps, channel.channelId, {
      systemName: 'Support team',
      systemAvatarUrl: 'https://example.com/team.png',
    });
    const before = await tableSnapshot(deps);
    const badAvatar = await refusal(
      updateChannel(deps, channel.channelId, { systemAvatarUrl: 'ftp://x/y.png' }),
    );
    const unchanged = await tableSnapshot(deps);
    const cleared = await updateChannel(deps, channel.channelId, { systemName: '' });
    const missing = await refusal(updateChannel(deps, 'ch_nope', { systemName: 'X' }));
    // Assess
    expect(set).toEqual({
      channelId: channel.channelId,
      name: 'Test',
      systemName: 'Support team',
      systemAvatarUrl: 'https://example.com/team.png',
    });
    expect(badAvatar).toEqual({ code: 'invalid_argument', paths: ['systemAvatarUrl'] });
    expect(unchanged).toBe(before);
    expect(cleared).toEqual({
      channelId: channel.channelId,
      name: 'Test',
      systemAvatarUrl: 'https://example.com/team.png',
    });
    expect(missing.code).toBe('channel_not_found');
  });

  it('reserves "system": no new agent or destination takes it, and an older one keeps working', async () => {
    // Prepare: an agent called system, as a version before the reservation could have made it.
    const { token, secretHash } = newCredential('system');
    await deps.store.directory.agents.create({
      employeeId: 'system',
      firstName: 'Old',
      lastName: 'Agent',
      destinations: [],
      secretHash,
      revoked: false,
      online: false,
      createdAt: new Date().toISOString(),
    });
    // Act
    const agent = await refusal(
      createAgent(deps, { employeeId: 'system', firstName: 'S', lastName: 'Y', destinations: [] }),
    );
    const destination = await refusal(createDestination(deps, { destinationId: 'system', name: 'System' }));
    const older = await authenticateAgent(deps, token);
    // Assess
    expect(agent).toEqual({ code: 'id_reserved', paths: ['employeeId'] });
    expect(destination).toEqual({ code: 'id_reserved', paths: ['destinationId'] });
    expect(older.employeeId).toBe('system');
  });

  it('sets automatic replies, needs minutes with a waiting reply, and clears a text with an empty one', async () => {
    // Prepare
    const { support, sales } = await seedChannel(deps);
    const id = support.destinationId;
    // Act
    const set = await updateDestination(deps, id, {
      offlineReply: 'Closed, back {opensAt}',
      waitingReply: 'Hold on, {userName}',
      waitingAfterMinutes: '5',
    });
    const before = await tableSnapshot(deps);
    const noMinutes = await refusal(updateDestination(deps, sales.destinationId, { waitingReply: 'Hi' }));
    const badMinutes = await refusal(updateDestination(deps, id, { waitingAfterMinutes: '2.5' }));
    const tooLong = await refusal(updateDestination(deps, id, { offlineReply: 'x'.repeat(4001) }));
    const unchanged = await tableSnapshot(deps);
    const cleared = await updateDestination(deps, id, { offlineReply: '' });
    const missing = await refusal(updateDestination(deps, 'nope', { offlineReply: 'x' }));
    // Assess
    expect(set).toMatchObject({
      destinationId: id,
      offlineReply: 'Closed, back {opensAt}',
      waitingReply: 'Hold on, {userName}',
      waitingAfterMinutes: 5,
    });
    expect(noMinutes).toEqual({ code: 'invalid_argument', paths: ['waitingAfterMinutes'] });
    expect(badMinutes).toEqual({ code: 'invalid_argument', paths: ['waitingAfterMinutes'] });
    expect(tooLong).toEqual({ code: 'invalid_argument', paths: ['offlineReply'] });
    expect(unchanged).toBe(before);
    expect(cleared).toMatchObject({
      destinationId: id,
      waitingReply: 'Hold on, {userName}',
      waitingAfterMinutes: 5,
    });
    expect(cleared.offlineReply).toBeUndefined();
    expect((await deps.store.directory.destinations.get(id))?.offlineReply).toBeUndefined();
    expect(missing.code).toBe('destination_not_found');
  });
});
