import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '#domain/shared/deps.ts';
import { ConflictError } from '#domain/shared/errors.ts';
import { createAgent } from '#use-cases/admin/create-agent.ts';
import { createDestination } from '#use-cases/admin/create-destination.ts';
import { revokeAgent } from '#use-cases/admin/revoke-agent.ts';
import { updateAgent } from '#use-cases/admin/update-agent.ts';
import { inProcessClient as client, seedAgent, seedChannel } from '../support/clients.ts';
import { useEmbeddedStore } from '../support/embedded-store.ts';

let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let deps: Deps;

beforeAll(async () => {
  store = await useEmbeddedStore();
  deps = store.deps;
});
afterAll(() => store.close());

const profile = { firstName: 'Grace', lastName: 'Hopper' };

describe('destination ids and employee ids share one namespace', () => {
  it('refuses a destination named like an existing agent', async () => {
    // Prepare
    const { support } = await seedChannel(deps);
    await createAgent(deps, { ...profile, employeeId: 'grace', destinations: [support.destinationId] });

    // Act
    const creating = createDestination(deps, { destinationId: 'grace', name: 'Grace group' });

    // Assess
    await expect(creating).rejects.toThrow(ConflictError);
    await expect(creating).rejects.toMatchObject({
      code: 'agent_exists',
      issues: [{ path: 'destinationId' }],
    });
  });

  it('refuses an agent named like an existing destination', async () => {
    // Prepare
    const { support } = await seedChannel(deps);

    // Act
    const creating = createAgent(deps, {
      ...profile,
      employeeId: support.destinationId,
      destinations: [support.destinationId],
    });

    // Assess
    await expect(creating).rejects.toMatchObject({
      code: 'destination_exists',
      issues: [{ path: 'employeeId' }],
    });
  });
});

/** A conversation in `destinationId`, accepted by the agent with `auth`. */
async function acceptedConversation(api: string, destinationId: string, auth: Record<string, string>) {
  const opened = await client('POST', `${api}/selectDestination`, {
    userId: `u-${Math.random()}`,
    destinationId,
  });
  const conversationId: string = opened.body.conversationId;
  const accepted = await client('POST', `/agent/conversations/${conversationId}/accept`, undefined, auth);
  expect(accepted.status).toBe(200);
  return conversationId;
}

describe('a conversation whose assignee is gone goes back to waiting', () => {
  it('lets another agent accept what a revoked agent held', async () => {
    // Prepare
    const { api, support } = await seedChannel(deps);
    const first = await seedAgent(deps, [support.destinationId], 'First');
    const second = await seedAgent(deps, [support.destinationId], 'Second');
    const conversationId = await acceptedConversation(api, support.destinationId, first.auth);
    const before = await client(
      'POST',
      `/agent/conversations/${conversationId}/accept`,
      undefined,
      second.auth,
    );

    // Act
    const { returnedToQueue } = await revokeAgent(deps, first.agent.employeeId);
    const listed = await client('GET', '/agent/conversations?status=waiting', undefined, second.auth);
    const accepted = await client(
      'POST',
      `/agent/conversations/${conversationId}/accept`,
      undefined,
      second.auth,
    );
    const transcript = await client(
      'GET',
      `/agent/conversations/${conversationId}/messages`,
      undefined,
      second.auth,
    );

    // Assess
    expect(before.status).toBe(409);
    expect(returnedToQueue).toEqual([conversationId]);
    expect(listed.body.conversations).toContainEqual(
      expect.objectContaining({ conversationId, status: 'waiting' }),
    );
    expect(
      listed.body.conversations.find((c: { conversationId: string }) => c.conversationId === conversationId),
    ).not.toHaveProperty('assignee');
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'active', assignee: second.agent.employeeId });
    expect(transcript.body.messages).toContainEqual(
      expect.objectContaining({
        from: 'system',
        note: 'returned_to_queue',
        text: expect.stringContaining('First'),
      }),
    );
  });

  it('returns what the agent held in a destination it leaves, and keeps the rest', async () => {
    // Prepare
    const { api, support, sales } = await seedChannel(deps);
    const mover = await seedAgent(deps, [support.destinationId, sales.destinationId], 'Mover');
    const other = await seedAgent(deps, [support.destinationId, sales.destinationId], 'Other');
    const inSupport = await acceptedConversation(api, support.destinationId, mover.auth);
    const inSales = await acceptedConversation(api, sales.destinationId, mover.auth);
    const othersOwn = await acceptedConversation(api, support.destinationId, other.auth);

    // Act
    const { returnedToQueue } = await updateAgent(deps, mover.agent.employeeId, {
      destinations: [sales.destinationId],
    });
    const takeOver = await client('POST', `/agent/conversations/${inSupport}/accept`, undefined, other.auth);
    const stillMover = await client('POST', `/agent/conversations/${inSales}/accept`, undefined, other.auth);
    const moverSends = await client(
      'POST',
      `/agent/conversations/${inSales}/messages`,
      { text: 'still here' },
      mover.auth,
    );

    // Assess
    expect(returnedToQueue).toEqual([inSupport]);
    expect(returnedToQueue).not.toContain(othersOwn);
    expect(takeOver.status).toBe(200);
    expect(stillMover.status).toBe(409);
    expect(moverSends.status).toBe(202);
  });

  it('changes nothing when only the profile changes', async () => {
    // Prepare
    const { api, support } = await seedChannel(deps);
    const agent = await seedAgent(deps, [support.destinationId], 'Steady');
    const conversationId = await acceptedConversation(api, support.destinationId, agent.auth);

    // Act
    const { returnedToQueue } = await updateAgent(deps, agent.agent.employeeId, { lastName: 'Renamed' });
    const sent = await client(
      'POST',
      `/agent/conversations/${conversationId}/messages`,
      { text: 'hi' },
      agent.auth,
    );

    // Assess
    expect(returnedToQueue).toEqual([]);
    expect(sent.status).toBe(202);
  });
});
