import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Wired } from '#deps';
import { inProcessClient as client, seedAgent, seedChannel } from '../support/clients.ts';
import { useEmbeddedStore } from '../support/embedded-store.ts';

/**
 * Business hours through the handlers, with the clock injected: the minute a group closes, DialogStudio
 * stops seeing it online (getDestinations, the SelectDestination of a transfer) and agents see when it
 * opens again (GET /agent/destinations), although its agent never went away.
 */
let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let deps: Wired;
let realNow: () => Date;

beforeAll(async () => {
  store = await useEmbeddedStore();
  deps = store.deps;
  realNow = deps.now;
});
afterEach(() => {
  deps.now = realNow;
});
afterAll(() => store.close());

/** Friday 2026-12-04 in Berlin (UTC+1): a minute before closing time, and closing time. */
const lastMinute = new Date('2026-12-04T16:59:30.000Z');
const closingTime = new Date('2026-12-04T17:00:00.000Z');
const officeHours = {
  timeZone: 'Europe/Berlin',
  weekly: (['mon', 'tue', 'wed', 'thu', 'fri'] as const).map((day) => ({ day, from: '09:00', to: '18:00' })),
  closedOn: ['2026-12-24'],
};

async function hoursAt(api: string, auth: Record<string, string>, destinationId: string) {
  const operator = await client('GET', `${api}/getDestinations`);
  const agent = await client('GET', '/agent/destinations', undefined, auth);
  return {
    hasOnline: operator.body.destinations.find(
      (d: { destinationId: string }) => d.destinationId === destinationId,
    )?.hasOnline,
    listed: agent.body.destinations.find((d: { destinationId: string }) => d.destinationId === destinationId),
  };
}

describe('business hours, with an injected clock', () => {
  it('reports the group online until closing time and offline from then, with when it opens', async () => {
    // Prepare
    const { api, support, sales } = await seedChannel(deps);
    await deps.store.directory.destinations.update(support.destinationId, { hours: officeHours });
    const ada = await seedAgent(deps, [support.destinationId, sales.destinationId]);
    deps.now = () => lastMinute;
    await client('PUT', '/agent/me/presence', { online: true }, ada.auth);
    const opened = await client('POST', `${api}/selectDestination`, {
      userId: 'late-client',
      destinationId: sales.destinationId,
    });
    const path = `/agent/conversations/${opened.body.conversationId}`;

    // Act
    const before = await hoursAt(api, ada.auth, support.destinationId);
    deps.now = () => closingTime;
    const after = await hoursAt(api, ada.auth, support.destinationId);
    const transferred = await client(
      'POST',
      `${path}/transfer`,
      { destinationId: support.destinationId },
      ada.auth,
    );

    // Assess
    expect(before.hasOnline).toBe(true);
    expect(before.listed).toMatchObject({ hasOnline: true, openNow: true, hours: officeHours });
    expect(before.listed).not.toHaveProperty('opensAt');
    expect(after.hasOnline).toBe(false);
    expect(after.listed).toMatchObject({
      hasOnline: false,
      openNow: false,
      opensAt: '2026-12-07T08:00:00.000Z',
    });
    expect(after.listed.agents).toEqual([
      expect.objectContaining({ employeeId: ada.agent.employeeId, online: true }),
    ]);
    expect(transferred.status).toBe(200);
    const seq = Number(String(transferred.body.eventId).split('-').at(-1));
    const event = await deps.store.transcript.get(opened.body.conversationId, seq);
    expect(event).toMatchObject({
      delivery: { payload: { type: 'SelectDestination', destination: { hasOnline: false } } },
    });
  });

  it('keeps an agent’s personal queue out of any group’s hours', async () => {
    // Prepare
    const { api, support } = await seedChannel(deps);
    await deps.store.directory.destinations.update(support.destinationId, { hours: officeHours });
    const ada = await seedAgent(deps, [support.destinationId]);
    deps.now = () => closingTime;
    await client('PUT', '/agent/me/presence', { online: true }, ada.auth);
    const opened = await client('POST', `${api}/selectDestination`, {
      userId: 'direct-client',
      destinationId: support.destinationId,
    });

    // Act
    const transferred = await client(
      'POST',
      `/agent/conversations/${opened.body.conversationId}/transfer`,
      { destinationId: ada.agent.employeeId },
      ada.auth,
    );

    // Assess
    const seq = Number(String(transferred.body.eventId).split('-').at(-1));
    const event = await deps.store.transcript.get(opened.body.conversationId, seq);
    expect(event).toMatchObject({
      delivery: { payload: { destination: { destinationId: ada.agent.employeeId, hasOnline: true } } },
    });
  });
});
