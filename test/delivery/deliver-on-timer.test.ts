import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '#domain/shared/deps.ts';
import { handler as deliverOnTimer } from '../../functions/delivery/deliver-on-timer.ts';
import { inProcessClient as client } from '../support/clients.ts';
import { useEmbeddedStore } from '../support/embedded-store.ts';
import { acceptedConversation } from '../support/flows.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';

/** The retry timer's Lambda, called as the SQS event source mapping would call it. */
let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let deps: Deps;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  store = await useEmbeddedStore();
  deps = store.deps;
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver.close();
  await store.close();
});

function message(messageId: string, body: string): SQSRecord {
  return { messageId, body } as SQSRecord;
}

describe('DeliverOnTimer', () => {
  it("delivers each message's conversation, and reports only the messages it could not handle", async () => {
    // Prepare
    const { say, conversationId } = await acceptedConversation(client, deps, receiver.url('/timer'));
    await say('due now');
    // Act
    const result = await deliverOnTimer({
      Records: [message('m1', JSON.stringify({ conversationId })), message('m2', 'not json')],
    } as SQSEvent);
    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    expect(receiver.accepted().map((request) => request.body.text)).toEqual(['due now']);
  });
});
