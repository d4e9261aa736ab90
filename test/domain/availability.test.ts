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
});
