import { describe, expect, it } from 'vitest';
import { hasOnline, isOnline } from '#domain/directory/availability.ts';
import type { Agent, Destination } from '#domain/directory/model.ts';

/** The availability rule as a pure function: no store, only records and a clock. */

const now = new Date('2026-12-04T10:00:00.000Z');
const timeoutSeconds = 120;
const support: Destination = {
  destinationId: 'support',
  name: 'Support',
  createdAt: '2026-01-01T00:00:00.000Z',
};

function agent(changes: Partial<Agent> = {}): Agent {
  return {
    employeeId: 'ada',
    firstName: 'Ada',
    lastName: 'Lovelace',
    destinations: ['support'],
    secretHash: '',
    revoked: false,
    online: true,
    lastSeenAt: new Date(now.getTime() - 30_000).toISOString(),
    createdAt: '2026-01-01T00:00:00.000Z',
    ...changes,
  };
}

describe('availability', () => {
  it('counts a destination online while one of its agents has a fresh heartbeat', () => {
    // Prepare
    const agents = [agent({ employeeId: 'off', online: false }), agent()];

    // Act
    const online = hasOnline(support, agents, now, timeoutSeconds);

    // Assess
    expect(online).toBe(true);
  });

  it('counts nobody whose heartbeat is older than the timeout, who is revoked or who is offline', () => {
    // Prepare
    const stale = agent({ lastSeenAt: new Date(now.getTime() - timeoutSeconds * 1000).toISOString() });
    const agents = [
      stale,
      agent({ revoked: true }),
      agent({ online: false }),
      agent({ lastSeenAt: undefined }),
    ];

    // Act
    const online = hasOnline(support, agents, now, timeoutSeconds);

    // Assess
    expect(online).toBe(false);
    expect(agents.map((each) => isOnline(each, now, timeoutSeconds))).toEqual([false, false, false, false]);
  });

  it('counts only the agents of that destination', () => {
    // Prepare
    const agents = [agent({ destinations: ['sales'] })];

    // Act
    const online = hasOnline(support, agents, now, timeoutSeconds);

    // Assess
    expect(online).toBe(false);
  });

  it("counts an agent's personal queue online while that agent is", () => {
    // Prepare
    const personal: Destination = {
      destinationId: 'ada',
      name: 'Ada Lovelace',
      createdAt: support.createdAt,
    };

    // Act
    const online = hasOnline(personal, [agent({ destinations: [] })], now, timeoutSeconds);
    const offline = hasOnline(personal, [agent({ destinations: [], online: false })], now, timeoutSeconds);

    // Assess
    expect(online).toBe(true);
    expect(offline).toBe(false);
  });

  it('counts a destination outside its business hours offline although its agent is online', () => {
    // Prepare: 10:00 UTC is 11:00 in Berlin, on a Friday.
    const closedNow: Destination = {
      ...support,
      hours: {
        timeZone: 'Europe/Berlin',
        weekly: [{ day: 'fri', from: '12:00', to: '18:00' }],
        closedOn: [],
      },
    };
    const openNow: Destination = {
      ...support,
      hours: {
        timeZone: 'Europe/Berlin',
        weekly: [{ day: 'fri', from: '11:00', to: '18:00' }],
        closedOn: [],
      },
    };

    // Act
    const closed = hasOnline(closedNow, [agent()], now, timeoutSeconds);
    const open = hasOnline(openNow, [agent()], now, timeoutSeconds);
    const openWithoutAgents = hasOnline(openNow, [agent({ online: false })], now, timeoutSeconds);

    // Assess
    expect(closed).toBe(false);
    expect(open).toBe(true);
    expect(openWithoutAgents).toBe(false);
  });

  it('counts a destination closed on the date offline all day', () => {
    // Prepare
    const holiday: Destination = {
      ...support,
      hours: {
        timeZone: 'UTC',
        weekly: [{ day: 'fri', from: '00:00', to: '00:00' }],
        closedOn: ['2026-12-04'],
      },
    };

    // Act
    const online = hasOnline(holiday, [agent()], now, timeoutSeconds);

    // Assess
    expect(online).toBe(false);
  });
});
