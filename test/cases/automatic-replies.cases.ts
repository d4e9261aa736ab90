import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { Wired } from '#deps';
import { sendDueAutomaticReplies } from '#domain/conversations/send-automatic-replies.ts';
import { updateChannel } from '#use-cases/admin/update-channel.ts';
import { type AutomaticReplyChanges, updateDestination } from '#use-cases/admin/update-destination.ts';
import { type Client, seedAgent, seedChannel } from '../support/clients.ts';
import { eventually, type startWebhookReceiver } from '../support/webhook-receiver.ts';

type Receiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

/**
 * Automatic replies as DialogStudio sees them: events at its webhook from the channel's system sender,
 * delivered by the real engine (a delivery loop) to a receiver on loopback. "Exactly one" is judged
 * behind a barrier: an agent message written after everything else, so once it has arrived, any
 * reply written before it has arrived too (events of a conversation go out in order). The clock is
 * `deps.now`, which the handlers and the delivery loop of both runs read.
 */
export function automaticReplyCases(context: () => { client: Client; deps: Wired; receiver: Receiver }) {
  async function destinationWith(replies: AutomaticReplyChanges) {
    const { client, deps, receiver } = context();
    const seeded = await seedChannel(deps);
    await updateDestination(deps, seeded.support.destinationId, replies);
    await updateChannel(deps, seeded.channel.channelId, {
      systemName: 'Support team',
      systemAvatarUrl: 'https://example.com/team.png',
    });
    const webhookPath = `/replies-${randomUUID().slice(0, 8)}`;
    await client('POST', `${seeded.api}/setWebhook`, { url: receiver.url(webhookPath) });
    const agent = await seedAgent(deps, [seeded.support.destinationId]);
    const open = async (userId: string) => {
      const opened = await client('POST', `${seeded.api}/selectDestination`, {
        userId,
        userName: 'Jane Doe',
        destinationId: seeded.support.destinationId,
      });
      return `/agent/conversations/${opened.body.conversationId}`;
    };
    const write = (userId: string, text: string) =>
      client('POST', `${seeded.api}/sendText`, { userId, text });
    /** Accepts (if need be) and sends the barrier, then waits until the webhook has it. */
    const barrier = async (path: string) => {
      await client('POST', `${path}/accept`, undefined, agent.auth);
      const text = `barrier ${randomUUID()}`;
      await client('POST', `${path}/messages`, { text }, agent.auth);
      await eventually(
        () => receiver.received.filter((r) => r.path === webhookPath && r.body?.text === text),
        (found) => found.length > 0,
      );
    };
    const systemEvents = (userId: string) =>
      receiver
        .accepted()
        .filter((r) => r.path === webhookPath && r.body.userId === userId)
        .filter((r) => r.body.employee?.employeeId === 'system');
    const transcript = async (path: string) =>
      (await client('GET', `${path}/messages`, undefined, agent.auth)).body.messages;
    return { ...seeded, client, deps, agent, open, write, barrier, systemEvents, transcript };
  }

  it('tells a client nobody can answer so once, at the opening, not again for the next messages', async () => {
    // Prepare
    const { open, write, barrier, systemEvents, transcript } = await destinationWith({
      offlineReply: 'Sorry {userName}, {destinationName} is away. Back {opensAt}',
    });
    // Act
    const path = await open('jane');
    await write('jane', 'Hello?');
    await write('jane', 'Anyone there?');
    await barrier(path);
    const entries = await transcript(path);
    // Assess
    const replies = systemEvents('jane');
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body).toEqual({
      id: expect.any(String),
      userId: 'jane',
      type: 'TextMessage',
      text: 'Sorry Jane Doe, Support is away. Back ',
      employee: {
        employeeId: 'system',
        firstName: 'Support team',
        lastName: '',
        avatarUrl: 'https://example.com/team.png',
      },
    });
    const reply = entries.find((m: { id: string }) => m.id === replies[0]?.body.id);
    expect(reply).toMatchObject({
      from: 'system',
      type: 'text',
      text: 'Sorry Jane Doe, Support is away. Back ',
      delivery: { status: 'delivered', target: 'dialogstudio' },
    });
    expect(entries.map((m: { from: string; type: string }) => `${m.from}:${m.type}`).slice(0, 4)).toEqual([
      'system:note',
      'system:text',
      'client:text',
      'client:text',
    ]);
  });

  it('replies again in a new closed period: after an agent came online and left', async () => {
    // Prepare
    const { client, agent, open, write, barrier, systemEvents } = await destinationWith({
      offlineReply: 'Nobody is here right now',
    });
    const path = await open('max');
    // Act
    await client('PUT', '/agent/me/presence', { online: true }, agent.auth);
    await write('max', 'while an agent is online');
    await client('PUT', '/agent/me/presence', { online: false }, agent.auth);
    await write('max', 'after the agent left');
    await write('max', 'and once more');
    await barrier(path);
    // Assess
    const replies = systemEvents('max');
    expect(replies.map((r) => r.body.text)).toEqual(['Nobody is here right now', 'Nobody is here right now']);
    expect(new Set(replies.map((r) => r.body.id)).size).toBe(2);
  });

  it('tells a client that started waiting while an agent was online, once nobody is (the sweep)', async () => {
    // Prepare
    const { deps, client, agent, open, write, barrier, systemEvents } = await destinationWith({
      offlineReply: 'Everyone has left for today',
    });
    await client('PUT', '/agent/me/presence', { online: true }, agent.auth);
    const path = await open('late');
    // Act
    await client('PUT', '/agent/me/presence', { online: false }, agent.auth);
    const sent = await Promise.all([sendDueAutomaticReplies(deps), sendDueAutomaticReplies(deps)]);
    await write('late', 'hello?');
    await barrier(path);
    // Assess
    expect(sent[0] + sent[1]).toBeLessThanOrEqual(1);
    expect(systemEvents('late').map((r) => r.body.text)).toEqual(['Everyone has left for today']);
  });

  it('sends the waiting reply once after the set minutes, never to an accepted conversation', async () => {
    // Prepare
    const { deps, client, agent, open, barrier, systemEvents, transcript } = await destinationWith({
      waitingReply: 'Still looking for someone for you, {userName}',
      waitingAfterMinutes: 5,
    });
    const realNow = deps.now;
    deps.now = () => new Date(realNow().getTime() - 10 * 60_000);
    let waitingPath: string;
    let acceptedPath: string;
    try {
      waitingPath = await open('waits');
      acceptedPath = await open('taken');
      await client('POST', `${acceptedPath}/accept`, undefined, agent.auth);
    } finally {
      deps.now = realNow;
    }
    // Act: two sweeps at once (the delivery loop's own sweep runs beside them too).
    const sent = await Promise.all([sendDueAutomaticReplies(deps), sendDueAutomaticReplies(deps)]);
    await barrier(waitingPath);
    await barrier(acceptedPath);
    const entries = await transcript(waitingPath);
    // Assess
    expect(sent[0] + sent[1]).toBeLessThanOrEqual(1);
    expect(systemEvents('waits').map((r) => r.body.text)).toEqual([
      'Still looking for someone for you, Jane Doe',
    ]);
    expect(systemEvents('taken')).toEqual([]);
    expect(
      entries.filter((m: { from: string; type: string }) => m.from === 'system' && m.type === 'text'),
    ).toHaveLength(1);
  });
}
