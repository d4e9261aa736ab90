import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '#domain/shared/deps.ts';
import { handler as deliverFromStream } from '../../functions/delivery/deliver-from-stream.ts';
import { handler as sweepOutbox } from '../../functions/delivery/sweep-outbox.ts';
import { inProcessClient as client } from '../support/clients.ts';
import { useEmbeddedStore } from '../support/embedded-store.ts';
import { acceptedConversation } from '../support/flows.ts';
import { streamInsert } from '../support/outbox-items.ts';
import { eventually, startWebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * The AWS path: nothing delivers in-process here (no local loop), so only the two delivery Lambdas,
 * called as the stream and the schedule would call them, move events to the webhook.
 */
let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let deps: Deps;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  process.env.DELIVERY_SCHEDULE_SECONDS = '0,0.3';
  store = await useEmbeddedStore();
  deps = store.deps;
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver.close();
  await store.close();
});

/** The stream record of a new outbox entry of the conversation, numbered as the stream numbers it. */
function streamRecord(conversationId: string, sequenceNumber: string) {
  const [record] = streamInsert(conversationId).Records;
  return { ...record, dynamodb: { ...record?.dynamodb, SequenceNumber: sequenceNumber } };
}

const lambdaContext = { getRemainingTimeInMillis: () => 55_000 } as Context;

describe('delivery functions', () => {
  it('delivers from stream records, once per conversation in the batch', async () => {
    // Prepare
    const { say, conversationId } = await acceptedConversation(client, deps, receiver.url('/stream'));
    await say('first');
    await say('second');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const beforeTrigger = receiver.received.length;
    // Act
    const result = await deliverFromStream({
      Records: [streamRecord(conversationId, '1'), streamRecord(conversationId, '2')],
    } as DynamoDBStreamEvent);
    // Assess
    expect(beforeTrigger).toBe(0);
    expect(result).toEqual({ batchItemFailures: [] });
    expect(receiver.accepted().map((request) => request.body.text)).toEqual(['first', 'second']);
  });

  it('sweeps due retries that no stream record announces', async () => {
    // Prepare
    let fail = true;
    receiver.script(() => (fail ? 503 : 200));
    const { say, conversationId } = await acceptedConversation(client, deps, receiver.url('/sweep'));
    await say('retry me');
    await deliverFromStream({ Records: [streamRecord(conversationId, '3')] } as DynamoDBStreamEvent);
    fail = false;
    await new Promise((resolve) => setTimeout(resolve, 450));
    // Act
    await sweepOutbox({}, lambdaContext);
    // Assess
    const onPath = receiver.received.filter((request) => request.path === '/sweep');
    expect(onPath.map((request) => request.answer)).toEqual([503, 200]);
    await eventually(
      () => receiver.accepted().filter((request) => request.path === '/sweep'),
      (list) => list.length === 1,
    );
  });
});
