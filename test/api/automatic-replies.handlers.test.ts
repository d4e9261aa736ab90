import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendDueAutomaticReplies } from '#domain/conversations/send-automatic-replies.ts';
import { updateDestination } from '#use-cases/admin/update-destination.ts';
import { sendText } from '#use-cases/operator/send-text.ts';
import { automaticReplyCases } from '../cases/automatic-replies.cases.ts';
import { inProcessClient, seedAgent, seedChannel } from '../support/clients.ts';
import { useDeliveringStore } from '../support/delivering-store.ts';

let fixture: Awaited<ReturnType<typeof useDeliveringStore>>;

beforeAll(async () => {
  fixture = await useDeliveringStore();
});
afterAll(() => fixture.close());

describe('automatic replies, in-process against the handlers, delivered to a webhook', () => {
  automaticReplyCases(() => ({ client: inProcessClient, deps: fixture.deps, receiver: fixture.receiver }));

  it("stores the client's message once and answers it when its offline reply fails; the sweep tells the client", async () => {
    // Prepare: the reply's read of the agents fails, after the client's message is stored.
    const { deps } = fixture;
    const { channel, support } = await seedChannel(deps);
    await updateDestination(deps, support.destinationId, { offlineReply: 'Nobody is here' });
    const agent = await seedAgent(deps, [support.destinationId]);
    const { agents } = deps.store.directory;
    const list = agents.list;
    const reported: string[] = [];
    const report = deps.reportError;
    // Every read fails while the message is sent (the fixture's background sweep may meet it too).
    agents.list = () => Promise.reject(new Error('ThrottlingException'));
    deps.reportError = (message) => reported.push(message);
    // Act
    let sent: Awaited<ReturnType<typeof sendText>>;
    try {
      sent = await sendText(deps, channel, { userId: 'flaky', text: 'Hello?' });
    } finally {
      agents.list = list;
      deps.reportError = report;
    }
    const path = `/agent/conversations/${sent.conversationId}/messages`;
    // The sweep (the fixture's delivery loop runs one every second too; a reply is written once either way).
    await sendDueAutomaticReplies(deps);
    const after = (await inProcessClient('GET', path, undefined, agent.auth)).body.messages;
    // Assess
    expect(sent.messageId).toBe(`${sent.conversationId}-2`);
    expect(reported).toEqual(['automatic reply not written']);
    const kinds = (messages: { from: string; type: string }[]) => messages.map((m) => `${m.from}:${m.type}`);
    expect(kinds(after)).toEqual(['system:note', 'client:text', 'system:text']);
  });
});
