import { expect, it } from 'vitest';
import type { Wired } from '#deps';
import { type Client, seedAgent, tableSnapshot } from '../support/clients.ts';
import { acceptedConversation } from '../support/flows.ts';
import { eventually, type startWebhookReceiver } from '../support/webhook-receiver.ts';

type Receiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

/**
 * The agent's retry route, run in-process and over HTTP. Both runs deliver with the real engine (a
 * delivery loop) to a webhook receiver on loopback, with a retry schedule of a fraction of a second.
 */
export function retryCases(context: () => { client: Client; deps: Wired; receiver: Receiver }) {
  async function failedEvent() {
    const { client, deps, receiver } = context();
    const flow = await acceptedConversation(client, deps, receiver.url('/retry'));
    receiver.script(() => 400);
    const id = await flow.say('this one fails');
    const deliveryOf = async (messageId = id) => {
      const reply = await client('GET', `${flow.path}/messages`, undefined, flow.agent.auth);
      return reply.body.messages.find((message: { id: string }) => message.id === messageId)?.delivery;
    };
    await eventually(deliveryOf, (delivery) => delivery?.status === 'failed');
    return { ...flow, client, deps, receiver, id, deliveryOf };
  }

  it('puts a failed event back in line: pending while the webhook still fails, delivered once it is fixed', async () => {
    // Prepare
    const { client, receiver, path, agent, id, deliveryOf } = await failedEvent();
    receiver.script(() => 503);
    // Act
    const retried = await client('POST', `${path}/messages/${id}/retry`, undefined, agent.auth);
    const whileFailing = await eventually(deliveryOf, (delivery) => delivery?.lastStatus === 503);
    receiver.script(() => 200);
    const afterFix = await eventually(deliveryOf, (delivery) => delivery?.status === 'delivered');
    // Assess
    expect(retried.status).toBe(202);
    expect(retried.body).toEqual({ id });
    expect(whileFailing).toMatchObject({ status: 'pending', lastStatus: 503 });
    expect(afterFix.status).toBe('delivered');
    const bodies = receiver.received.filter((request) => request.body?.id === id);
    expect(bodies.map((request) => request.answer)).toEqual(expect.arrayContaining([400, 503, 200]));
    expect(new Set(bodies.map((request) => request.rawBody)).size).toBe(1);
  });

  it('answers 409 not_failed for an event that is not failed, and changes nothing', async () => {
    // Prepare
    const { client, deps, receiver, path, agent, say, id, deliveryOf } = await failedEvent();
    receiver.script(() => 200);
    const delivered = await say('this one arrives');
    await eventually(
      () => deliveryOf(delivered),
      (delivery) => delivery?.status === 'delivered',
    );
    // On the deployed path the deliverer may still be finishing its writes (its lease, the index state)
    // when the status reads delivered: the table is taken once two snapshots in a row agree.
    let before = await tableSnapshot(deps);
    for (let again = await tableSnapshot(deps); again !== before; again = await tableSnapshot(deps)) {
      before = again;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // Act
    const reply = await client('POST', `${path}/messages/${delivered}/retry`, undefined, agent.auth);
    // Assess
    expect(reply.status).toBe(409);
    expect(reply.body.error.code).toBe('not_failed');
    expect(await tableSnapshot(deps)).toBe(before);
    expect((await deliveryOf(id)).status).toBe('failed');
  });

  it('answers 404 unless it is an agent event of a conversation the agent may see', async () => {
    // Prepare
    const { client, deps, api, path, agent, conversationId, sales, id } = await failedEvent();
    await client('POST', `${api}/sendText`, { userId: 'client-1', text: 'a client message' });
    const transcript = await client('GET', `${path}/messages`, undefined, agent.auth);
    const clientMessage = transcript.body.messages.find(
      (message: { from: string }) => message.from === 'client',
    );
    const outsider = await seedAgent(deps, [sales.destinationId], 'Olga');
    const other = await acceptedConversation(client, deps, undefined);
    const before = await tableSnapshot(deps);
    // Act
    const replies = {
      outsider: await client('POST', `${path}/messages/${id}/retry`, undefined, outsider.auth),
      clientMessage: await client(
        'POST',
        `${path}/messages/${clientMessage.id}/retry`,
        undefined,
        agent.auth,
      ),
      otherConversation: await client(
        'POST',
        `${other.path}/messages/${id}/retry`,
        undefined,
        other.agent.auth,
      ),
      unknown: await client('POST', `${path}/messages/${conversationId}-999/retry`, undefined, agent.auth),
      garbage: await client('POST', `${path}/messages/nope/retry`, undefined, agent.auth),
    };
    // Assess
    expect(replies.outsider.status).toBe(404);
    expect(replies.outsider.body.error.code).toBe('conversation_not_found');
    for (const reply of [
      replies.clientMessage,
      replies.otherConversation,
      replies.unknown,
      replies.garbage,
    ]) {
      expect(reply.status).toBe(404);
      expect(reply.body.error.code).toBe('message_not_found');
    }
    expect(await tableSnapshot(deps)).toBe(before);
  });
}
