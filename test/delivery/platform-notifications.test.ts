import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { startLocalStack } from '#local/stack.ts';
import { setAgentPlatform } from '#use-cases/admin/set-agent-platform.ts';
import { type Client, httpClient, root, seedChannel } from '../support/clients.ts';
import { testTableName } from '../support/embedded-store.ts';
import { eventually, startWebhookReceiver } from '../support/webhook-receiver.ts';

/** Client events reach an external agent platform signed the Standard Webhooks way, checked by its reference library. */
let stack: Awaited<ReturnType<typeof startLocalStack>>;
let client: Client;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  Object.assign(process.env, { TABLE_NAME: testTableName('platform'), DELIVERY_SWEEP_SECONDS: '0.05' });
  receiver = await startWebhookReceiver();
  const { startLocalStack } = await import('#local/stack.ts');
  stack = await startLocalStack({ port: 0, host: '127.0.0.1', root });
  client = httpClient(stack.baseUrl);
});
afterAll(async () => {
  await stack.close();
  await receiver.close();
});

describe('agent platform notifications', () => {
  it('posts client events in order, signed so that an independent verifier accepts them', async () => {
    // Prepare
    const { api, channel, support } = await seedChannel(stack.deps);
    await client('POST', `${api}/setWebhook`, { url: receiver.url('/dialogstudio') });
    const { signingSecret } = await setAgentPlatform(
      stack.deps,
      channel.channelId,
      receiver.url('/platform'),
    );
    // Act
    await client('POST', `${api}/selectDestination`, {
      userId: 'client-7',
      destinationId: support.destinationId,
      hiddenAttributes: { crmToken: 'hidden-value-789' },
    });
    await client('POST', `${api}/sendText`, { userId: 'client-7', text: 'Hello' });
    await client('POST', `${api}/sendFile`, {
      userId: 'client-7',
      url: 'https://x/y.png',
      fileName: 'y.png',
      size: '12',
    });
    await client('POST', `${api}/closeChat`, { userId: 'client-7', text: 'Bye' });
    const notifications = await eventually(
      () => receiver.accepted().filter((request) => request.path === '/platform'),
      (list) => list.length === 4,
    );
    // Assess
    expect(notifications.map((n) => n.body.type)).toEqual([
      'conversation.opened',
      'message.created',
      'message.created',
      'conversation.closed',
    ]);
    const verifier = new Webhook(signingSecret as string);
    for (const notification of notifications) {
      const headers = notification.headers as Record<string, string>;
      expect(verifier.verify(notification.rawBody, headers)).toEqual(notification.body);
      expect(headers['webhook-id']).toBe(notification.body.data.message.id);
      expect(notification.rawBody).not.toContain('hidden-value-789');
      expect(notification.rawBody).not.toContain('hiddenAttributes');
    }
    const first = notifications[0];
    expect(() =>
      verifier.verify(
        first?.rawBody.replace('conversation.opened', 'conversation.closed') ?? '',
        first?.headers as Record<string, string>,
      ),
    ).toThrow();
    expect(notifications[2]?.body.data.message).toMatchObject({
      from: 'client',
      type: 'file',
      size: 12,
      name: 'y.png',
    });
    expect(receiver.received.filter((request) => request.path === '/dialogstudio')).toEqual([]);
  });
});
