import { deliverConversation } from '#delivery/engine.ts';
import { failedEventCount, sweepOutbox } from '#delivery/sweep.ts';
import type { Deps } from '#domain/shared/deps.ts';
import type { Client } from '../test/support/clients.ts';
import { seedAgent, seedChannel } from '../test/support/clients.ts';
import { startWebhookReceiver } from '../test/support/webhook-receiver.ts';
import type { meterDynamoDb } from './dynamodb-meter.ts';
import { type Row, row } from './stats.ts';

/**
 * The sweep's cost as failed events pile up: items read by one sweep (it runs once a minute: the
 * delivery pass over what is due and the outbox metrics) with 10 failed events stored, then with
 * `failed` of them. Failed events wait for a person, so nothing about them may cost the sweep
 * anything: the floor is the sweep with 10, the goal flat.
 */
export async function sweepRows(options: {
  deps: Deps;
  client: Client;
  meter: ReturnType<typeof meterDynamoDb>;
  failed: number;
}): Promise<Row[]> {
  const { deps, client, meter } = options;
  const receiver = await startWebhookReceiver(() => 400);
  const { api, support } = await seedChannel(deps);
  await client('POST', `${api}/setWebhook`, { url: receiver.url('/refuses') });
  const agent = await seedAgent(deps, [support.destinationId]);
  let conversationCount = 0;
  /** `count` agent events refused by the webhook, 100 per conversation: each ends `failed`. */
  const failEvents = async (count: number) => {
    for (let done = 0; done < count; done += 100) {
      const opened = await client('POST', `${api}/sendText`, {
        userId: `sweep-${conversationCount++}`,
        text: 'hi',
      });
      const path = `/agent/conversations/${opened.body.conversationId}`;
      await client('POST', `${path}/accept`, undefined, agent.auth);
      for (let i = 0; i < Math.min(100, count - done); i++) {
        await client('POST', `${path}/messages`, { text: `refused ${i}` }, agent.auth);
      }
      await deliverConversation(deps, opened.body.conversationId, { budgetMs: 600_000 });
    }
  };
  const itemsReadBySweep = async () => {
    const requests = await meter.record(async () => {
      await sweepOutbox(deps);
      await failedEventCount(deps);
    });
    return requests.reduce((total, request) => total + (request.itemsRead ?? 0), 0);
  };
  /** Until every refused event is counted failed (the local runtime's own sweep may hold a conversation a moment). */
  const settled = async (count: number) => {
    for (let tries = 0; tries < 600 && (await failedEventCount(deps)) < count; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const before = await failedEventCount(deps);
  try {
    await failEvents(10);
    await settled(before + 10);
    const atTen = await itemsReadBySweep();
    await failEvents(options.failed - 10);
    await settled(before + options.failed);
    const failedNow = await failedEventCount(deps);
    const atMany = await itemsReadBySweep();
    return [
      row(`sweep items read per minute, ${failedNow} failed events stored`, atMany, 'items', {
        floor: atTen,
        target: '≤ 1.1× floor (flat: the same sweep with 10 failed events)',
        met: (_value, ratio) => ratio !== null && ratio <= 1.1,
      }),
    ];
  } finally {
    await receiver.close();
  }
}
