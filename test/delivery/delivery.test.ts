import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFailedEvents, redriveFailedEvents } from '#domain/outbox/redrive.ts';
import type { startLocalStack } from '#local/stack.ts';
import { type Client, httpClient, root } from '../support/clients.ts';
import { testTableName } from '../support/embedded-store.ts';
import { acceptedConversation } from '../support/flows.ts';
import { type Answer, eventually, type Received, startWebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * Fault tests: the local runtime delivers agent events to a webhook receiver on loopback that fails
 * on cue. A short retry schedule (0, 0.1, 0.2, 0.3 s; 4 s max age; 400 ms timeout) stands in for the
 * 24-hour one.
 */
let stack: Awaited<ReturnType<typeof startLocalStack>>;
let client: Client;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
const scripts = new Map<string, (request: Omit<Received, 'answer' | 'at'>, attempt: number) => Answer>();
const attempts = new Map<string, number>();

beforeAll(async () => {
  Object.assign(process.env, {
    TABLE_NAME: testTableName('delivery'),
    DELIVERY_SCHEDULE_SECONDS: '0,0.1,0.2,0.3',
    DELIVERY_MAX_AGE_SECONDS: '4',
    DELIVERY_TIMEOUT_MS: '400',
    DELIVERY_SWEEP_SECONDS: '0.05',
  });
  receiver = await startWebhookReceiver((request) => {
    const id = String(request.body?.id);
    const attempt = (attempts.get(id) ?? 0) + 1;
    attempts.set(id, attempt);
    return scripts.get(request.path)?.(request, attempt) ?? 200;
  });
  const { startLocalStack } = await import('#local/stack.ts');
  stack = await startLocalStack({ port: 0, host: '127.0.0.1', root });
  client = httpClient(stack.baseUrl);
});
afterAll(async () => {
  await stack.close();
  await receiver.close();
});

const forPath = (path: string) => receiver.received.filter((request) => request.path === path);
const acceptedAt = (path: string) => receiver.accepted().filter((request) => request.path === path);

async function deliveryOf(path: string, auth: Record<string, string>, id: string) {
  const reply = await client('GET', `${path}/messages`, undefined, auth);
  return reply.body.messages.find((message: { id: string }) => message.id === id)?.delivery;
}

describe('delivery of agent events to the webhook', () => {
  it('retries 5xx, connection resets and hanging responses with the same id and body until delivered', async () => {
    // Prepare
    const faults: Answer[] = [503, 'reset', 'hang'];
    scripts.set('/faults', (_request, attempt) => faults[attempt - 1] ?? 200);
    const { say, agent, path } = await acceptedConversation(client, stack.deps, receiver.url('/faults'));
    // Act
    const id = await say('Through the storm');
    await eventually(
      () => acceptedAt('/faults'),
      (list) => list.length === 1,
    );
    // Assess
    const tries = forPath('/faults');
    expect(tries.map((request) => request.answer)).toEqual([503, 'reset', 'hang', 200]);
    expect(new Set(tries.map((request) => request.rawBody)).size).toBe(1);
    expect(tries[0]?.body).toMatchObject({ id, type: 'TextMessage', text: 'Through the storm' });
    const delivery = await eventually(
      () => deliveryOf(path, agent.auth, id),
      (d) => d?.status === 'delivered',
    );
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 4, lastStatus: 200 });
  });

  it('waits at least as long as a 429 Retry-After asks', async () => {
    scripts.set('/busy', (_request, attempt) =>
      attempt === 1 ? { status: 429, headers: { 'retry-after': '1' } } : 200,
    );
    const { say } = await acceptedConversation(client, stack.deps, receiver.url('/busy'));

    await say('Patience');
    await eventually(
      () => acceptedAt('/busy'),
      (list) => list.length === 1,
    );

    const [first, second] = forPath('/busy');
    expect(first?.answer).toBe(429);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('delivers in order per conversation: event N+1 never goes out before N is delivered', async () => {
    // Prepare
    let failuresLeft = 3;
    scripts.set('/order', () => (failuresLeft-- > 0 ? 500 : 200));
    const { say } = await acceptedConversation(client, stack.deps, receiver.url('/order'));
    // Act
    const ids: string[] = [];
    for (const text of ['one', 'two', 'three', 'four', 'five']) ids.push(await say(text));
    await eventually(
      () => acceptedAt('/order'),
      (list) => list.length === 5,
    );
    // Assess
    expect(acceptedAt('/order').map((request) => request.body.text)).toEqual([
      'one',
      'two',
      'three',
      'four',
      'five',
    ]);
    const requests = forPath('/order');
    for (let n = 1; n < ids.length; n++) {
      const deliveredN = requests.findIndex((r) => r.body.id === ids[n - 1] && r.answer === 200);
      const firstTryOfNext = requests.findIndex((r) => r.body.id === ids[n]);
      expect(firstTryOfNext).toBeGreaterThan(deliveredN);
    }
  });

  it('holds events written before setWebhook and delivers them, in order, once it is set', async () => {
    // Prepare
    const { say, agent, path, api } = await acceptedConversation(client, stack.deps, undefined);
    const first = await say('Before the webhook');
    await say('Also before');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const held = await deliveryOf(path, agent.auth, first);
    // Act
    await client('POST', `${api}/setWebhook`, { url: receiver.url('/late') });
    await eventually(
      () => acceptedAt('/late'),
      (list) => list.length === 2,
    );
    // Assess
    expect(held).toMatchObject({ status: 'pending', attempts: 0 });
    expect(acceptedAt('/late').map((request) => request.body.text)).toEqual([
      'Before the webhook',
      'Also before',
    ]);
    expect(await deliveryOf(path, agent.auth, first)).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('marks an event failed after the schedule or on a 4xx, lists it, and delivers it on redrive', async () => {
    // Prepare
    let down = true;
    scripts.set('/down', () => (down ? 500 : 200));
    scripts.set('/reject', () => (down ? 400 : 200));
    const downFlow = await acceptedConversation(client, stack.deps, receiver.url('/down'));
    const rejectFlow = await acceptedConversation(client, stack.deps, receiver.url('/reject'));
    // Act
    const exhausted = await downFlow.say('Nobody home');
    const rejected = await rejectFlow.say('Not welcome');
    const failedDown = await eventually(
      () => deliveryOf(downFlow.path, downFlow.agent.auth, exhausted),
      (d) => d?.status === 'failed',
    );
    const failedReject = await eventually(
      () => deliveryOf(rejectFlow.path, rejectFlow.agent.auth, rejected),
      (d) => d?.status === 'failed',
    );
    const listed = await listFailedEvents(stack.deps);
    down = false;
    const redriven = await redriveFailedEvents(stack.deps, [exhausted, rejected]);
    await eventually(
      () => [...acceptedAt('/down'), ...acceptedAt('/reject')],
      (list) => list.length === 2,
    );
    // Assess
    expect(failedDown).toMatchObject({ status: 'failed', lastError: 'HTTP 500', lastStatus: 500 });
    expect(failedDown.attempts).toBeGreaterThan(3);
    expect(failedReject).toMatchObject({ status: 'failed', attempts: 1, lastError: 'HTTP 400' });
    expect(listed.map((event) => event.id)).toEqual(expect.arrayContaining([exhausted, rejected]));
    expect(listed.find((event) => event.id === exhausted)).toMatchObject({
      type: 'TextMessage',
      target: 'dialogstudio',
    });
    expect(redriven.sort()).toEqual([exhausted, rejected].sort());
    expect((await listFailedEvents(stack.deps)).map((event) => event.id)).not.toContain(exhausted);
    expect(await deliveryOf(downFlow.path, downFlow.agent.auth, exhausted)).toMatchObject({
      status: 'delivered',
    });
  });
});
