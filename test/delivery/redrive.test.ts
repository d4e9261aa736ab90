import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deliverConversation } from '#delivery/engine.ts';
import { failedEventCount, sweepOutbox } from '#delivery/sweep.ts';
import type { Wired as Deps } from '#deps';
import { listFailedEvents, redriveFailedEvents } from '#domain/outbox/redrive.ts';
import { sortKeys } from '#store/keys.ts';
import { setAgentPlatform } from '#use-cases/admin/set-agent-platform.ts';
import { handler as deliverFromStream } from '../../functions/delivery/deliver-from-stream.ts';
import { inProcessClient as client, seedAgent } from '../support/clients.ts';
import { useEmbeddedStore } from '../support/embedded-store.ts';
import { acceptedConversation } from '../support/flows.ts';
import { streamInsert } from '../support/outbox-items.ts';
import { countRequests } from '../support/request-counter.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * Redrives (the retry route and the CLI) and the deliverer's lease under faults injected at the
 * store's client: a write that fails, a pass that throws, a redrive landing while a pass runs.
 * Nothing delivers in the background: each test runs the deliverer itself.
 */
let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let deps: Deps;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let counter: ReturnType<typeof countRequests>;
const restore: (() => void)[] = [];

beforeAll(async () => {
  process.env.DELIVERY_SCHEDULE_SECONDS = '0,0';
  process.env.DELIVERY_TIMEOUT_MS = '1000';
  store = await useEmbeddedStore();
  deps = store.deps;
  receiver = await startWebhookReceiver();
  counter = countRequests(deps);
});
afterEach(() => {
  for (const undo of restore.splice(0)) undo();
  receiver.script(() => 200);
});
afterAll(async () => {
  await receiver.close();
  await store.close();
});

type Input = { Key?: { sk?: string }; UpdateExpression?: string };

/** Makes the next DynamoDB request that `matches` fail as a throttled one would after the SDK's retries. */
function failNext(matches: (command: string, input: Input) => boolean) {
  const send = deps.db.doc.send.bind(deps.db.doc);
  let armed = true;
  deps.db.doc.send = (async (command: { constructor: { name: string }; input: Input }) => {
    if (armed && matches(command.constructor.name, command.input)) {
      armed = false;
      throw Object.assign(new Error('injected fault'), { name: 'ProvisionedThroughputExceededException' });
    }
    return send(command as never);
  }) as typeof deps.db.doc.send;
  restore.push(() => {
    deps.db.doc.send = send;
  });
}

/** Makes the next DynamoDB request that `matches` land, and then answer an error as if it had not. */
function landThenFailNext(matches: (command: string, input: Input) => boolean) {
  const send = deps.db.doc.send.bind(deps.db.doc);
  let armed = true;
  deps.db.doc.send = (async (command: { constructor: { name: string }; input: Input }) => {
    const output = await send(command as never);
    if (armed && matches(command.constructor.name, command.input)) {
      armed = false;
      throw Object.assign(new Error('injected fault after landing'), { name: 'InternalServerError' });
    }
    return output;
  }) as typeof deps.db.doc.send;
  restore.push(() => {
    deps.db.doc.send = send;
  });
}

const deliver = (conversationId: string) => deliverConversation(deps, conversationId);

/** A conversation whose first agent event failed for good (the webhook answered 400). */
async function failedEvent(path: string) {
  const flow = await acceptedConversation(client, deps, receiver.url(path));
  receiver.script(() => 400);
  const id = await flow.say('this one fails');
  await deliver(flow.conversationId);
  receiver.script(() => 200);
  const deliveryOf = async (messageId = id) => {
    const reply = await client('GET', `${flow.path}/messages`, undefined, flow.agent.auth);
    return reply.body.messages.find((message: { id: string }) => message.id === messageId)?.delivery;
  };
  expect((await deliveryOf()).status).toBe('failed');
  const retry = (messageId = id, auth = flow.agent.auth) =>
    client('POST', `${flow.path}/messages/${messageId}/retry`, undefined, auth);
  const sent = () => receiver.accepted().filter((request) => request.path === path);
  return { ...flow, id, deliveryOf, retry, sent };
}

describe('a redrive is one decision', () => {
  it('leaves the event failed and retryable when its write fails', async () => {
    // Prepare: the write that puts the event back in line fails.
    const flow = await failedEvent('/one-write');
    failNext((command, input) => command === 'UpdateCommand' && input.Key?.sk === sortKeys.conversation);
    // Act
    const refused = await flow.retry();
    const afterFault = await flow.deliveryOf();
    const listed = (await listFailedEvents(deps)).map((event) => event.id);
    const again = await flow.retry();
    await deliver(flow.conversationId);
    // Assess
    expect(refused.status).toBe(500);
    expect(afterFault.status).toBe('failed');
    expect(listed).toContain(flow.id);
    expect(again.status).toBe(202);
    expect((await flow.deliveryOf()).status).toBe('delivered');
    expect(flow.sent().map((request) => request.body.id)).toEqual([flow.id]);
  });

  it('keeps a redrive that lands while a pass retries the same event and fails it again', async () => {
    // Prepare: the event fails again on its redriven attempt; the agent retries once more before the pass lets go.
    const flow = await failedEvent('/during-pass');
    expect((await flow.retry()).status).toBe(202);
    receiver.script(() => 400);
    const release = deps.store.leases.release;
    let retriedDuringPass: Promise<{ status: number }> | undefined;
    deps.store.leases.release = async (...args) => {
      retriedDuringPass ??= flow.retry();
      await retriedDuringPass;
      receiver.script(() => 200);
      deps.store.leases.release = release;
      return release(...args);
    };
    restore.push(() => {
      deps.store.leases.release = release;
    });
    // Act
    await deliver(flow.conversationId);
    await sweepOutbox(deps);
    // Assess
    expect((await retriedDuringPass)?.status).toBe(202);
    expect((await flow.deliveryOf()).status).toBe('delivered');
  });

  it('keeps a redrive that lands while a pass runs out of time', async () => {
    // Prepare: the redriven attempt fails again and saving it takes the pass past its budget; the
    // agent retries once more before the pass lets go.
    const flow = await failedEvent('/forced');
    expect((await flow.retry()).status).toBe(202);
    receiver.script(() => 400);
    const { saveDelivery } = deps.store.transcript;
    deps.store.transcript.saveDelivery = async (...args) => {
      const saved = await saveDelivery(...args);
      if (args[2].status === 'failed') await new Promise((resolve) => setTimeout(resolve, 2_000));
      return saved;
    };
    const release = deps.store.leases.release;
    let retried: Promise<{ status: number }> | undefined;
    deps.store.leases.release = async (...args) => {
      deps.store.transcript.saveDelivery = saveDelivery;
      retried ??= flow.retry();
      await retried;
      deps.store.leases.release = release;
      return release(...args);
    };
    restore.push(() => {
      deps.store.leases.release = release;
      deps.store.transcript.saveDelivery = saveDelivery;
    });
    // Act
    await deliverConversation(deps, flow.conversationId, { budgetMs: 1_800 });
    receiver.script(() => 200);
    await sweepOutbox(deps);
    // Assess
    expect((await retried)?.status).toBe(202);
    expect((await flow.deliveryOf()).status).toBe('delivered');
  });
});

describe('the lease', () => {
  it('is let go when a pass throws, so the stream’s retry of the record delivers', async () => {
    // Prepare: the pass's first read of the transcript fails.
    const flow = await acceptedConversation(client, deps, receiver.url('/thrown'));
    await flow.say('after a fault');
    failNext((command, input) => command === 'QueryCommand' && !('IndexName' in input));
    const insert = streamInsert(flow.conversationId);
    // Act
    const first = await deliverFromStream(insert);
    const retried = await deliverFromStream(insert);
    // Assess
    expect(first.batchItemFailures).toHaveLength(1);
    expect(retried.batchItemFailures).toHaveLength(0);
    const sent = receiver.accepted().filter((request) => request.path === '/thrown');
    expect(sent.map((request) => request.body.text)).toEqual(['after a fault']);
  });

  it('is let go when taking it landed but answered an error, so the stream’s retry delivers (simulation)', async () => {
    // Prepare: the update that takes the lease lands, and its answer is an error.
    const flow = await acceptedConversation(client, deps, receiver.url('/taken'));
    await flow.say('lease taken with an error');
    landThenFailNext(
      (command, input) => command === 'UpdateCommand' && /^SET leaseOwner/.test(input.UpdateExpression ?? ''),
    );
    const insert = streamInsert(flow.conversationId);
    // Act
    const first = await deliverFromStream(insert);
    const retried = await deliverFromStream(insert);
    // Assess
    expect(first.batchItemFailures).toHaveLength(1);
    expect(retried.batchItemFailures).toHaveLength(0);
    const sent = receiver.accepted().filter((request) => request.path === '/taken');
    expect(sent.map((request) => request.body.text)).toEqual(['lease taken with an error']);
  });
});

describe('a pass', () => {
  it('posts to the new URL as soon as setWebhook has answered, also in the middle of a pass', async () => {
    // Prepare: two events; setWebhook moves the channel to another URL after the first is saved.
    const flow = await acceptedConversation(client, deps, receiver.url('/old'));
    await flow.say('one');
    await flow.say('two');
    const { saveDelivery } = deps.store.transcript;
    let moved: Promise<{ status: number }> | undefined;
    deps.store.transcript.saveDelivery = async (...args) => {
      const saved = await saveDelivery(...args);
      moved ??= client('POST', `${flow.api}/setWebhook`, { url: receiver.url('/new') });
      await moved;
      return saved;
    };
    restore.push(() => {
      deps.store.transcript.saveDelivery = saveDelivery;
    });
    // Act
    await deliver(flow.conversationId);
    // Assess
    expect((await moved)?.status).toBe(200);
    const texts = (path: string) =>
      receiver
        .accepted()
        .filter((request) => request.path === path)
        .map((request) => request.body.text);
    expect(texts('/old')).toEqual(['one']);
    expect(texts('/new')).toEqual(['two']);
  });
});

describe('index state per target', () => {
  it('finds an event waiting for setWebhook although the agent platform’s retry is hours away', async () => {
    // Prepare: no DialogStudio webhook yet; the agent platform answers 503, retry in two hours.
    const flow = await acceptedConversation(client, deps, undefined);
    receiver.script((request) =>
      request.path === '/platform-later' ? { status: 503, headers: { 'retry-after': '7200' } } : 200,
    );
    await setAgentPlatform(deps, flow.channel.channelId, receiver.url('/platform-later'));
    await client('POST', `${flow.api}/sendText`, { userId: 'client-1', text: 'for the platform' });
    await flow.say('waits for the webhook');
    await deliver(flow.conversationId);
    // Act: setWebhook's own nudge is lost (nothing listens here); the sweep must find the conversation.
    await client('POST', `${flow.api}/setWebhook`, { url: receiver.url('/ds-later') });
    await sweepOutbox(deps);
    // Assess
    const sent = receiver.accepted().filter((request) => request.path === '/ds-later');
    expect(sent.map((request) => request.body.text)).toEqual(['waits for the webhook']);
  });
});

describe('who may retry, and when', () => {
  it('refuses with 409 conversation_closed once closed, and sends nothing after Closed', async () => {
    // Prepare
    const flow = await failedEvent('/closed');
    await client('POST', `${flow.path}/close`, undefined, flow.agent.auth);
    await deliver(flow.conversationId);
    // Act
    const reply = await flow.retry();
    const cli = await redriveFailedEvents(deps, [flow.id]).catch((error: { code?: string }) => error);
    await sweepOutbox(deps);
    // Assess
    expect(reply.status).toBe(409);
    expect(reply.body.error.code).toBe('conversation_closed');
    expect(cli).toMatchObject({ code: 'conversation_closed' });
    expect(flow.sent().map((request) => request.body.type)).toEqual(['Closed']);
    expect((await flow.deliveryOf()).status).toBe('failed');
  });

  it('redrives a failed Closed itself after the close', async () => {
    // Prepare: the webhook refuses the Closed.
    const flow = await acceptedConversation(client, deps, receiver.url('/failed-closed'));
    receiver.script(() => 400);
    const closed = await client('POST', `${flow.path}/close`, undefined, flow.agent.auth);
    await deliver(flow.conversationId);
    receiver.script(() => 200);
    const eventId = closed.body.eventId as string;
    // Act
    const reply = await client('POST', `${flow.path}/messages/${eventId}/retry`, undefined, flow.agent.auth);
    await deliver(flow.conversationId);
    // Assess
    expect(reply.status).toBe(202);
    const sent = receiver.accepted().filter((request) => request.path === '/failed-closed');
    expect(sent.map((request) => request.body.type)).toEqual(['Closed']);
  });

  it('lets only the assignee retry an active conversation’s event', async () => {
    // Prepare: a second agent of the same destination.
    const flow = await failedEvent('/assignee');
    const colleague = await seedAgent(deps, [flow.support.destinationId], 'Olga');
    // Act
    const byColleague = await flow.retry(flow.id, colleague.auth);
    const byAssignee = await flow.retry();
    // Assess
    expect(byColleague.status).toBe(404);
    expect(byColleague.body.error.code).toBe('conversation_not_found');
    expect(byAssignee.status).toBe(202);
  });

  it('a retried event goes out before a Closed written after the retry', async () => {
    // Prepare: the retry lands, then the agent closes before any pass runs.
    const flow = await failedEvent('/before-close');
    expect((await flow.retry()).status).toBe(202);
    await client('POST', `${flow.path}/close`, undefined, flow.agent.auth);
    // Act
    await deliver(flow.conversationId);
    // Assess
    expect(flow.sent().map((request) => request.body.type)).toEqual(['TextMessage', 'Closed']);
  });
});

describe('the failed count', () => {
  it('heals when a run dies right after putting a redriven event back in line, so the conversation can expire', async () => {
    // Prepare: the redriven event is made pending again, and the run dies before it counts that.
    const flow = await failedEvent('/heals');
    expect((await flow.retry()).status).toBe(202);
    const { countFailed } = deps.store.outbox;
    deps.store.outbox.countFailed = async () => {
      deps.store.outbox.countFailed = countFailed;
      throw Object.assign(new Error('injected fault'), { name: 'ProvisionedThroughputExceededException' });
    };
    restore.push(() => {
      deps.store.outbox.countFailed = countFailed;
    });
    // Act
    await expect(deliver(flow.conversationId)).rejects.toThrow('injected fault');
    await deliver(flow.conversationId);
    // Assess
    const { Item: meta } = await deps.db.doc.send(
      new GetCommand({
        TableName: deps.db.tableName,
        Key: { pk: `CONV#${flow.conversationId}`, sk: 'META' },
      }),
    );
    expect((await flow.deliveryOf()).status).toBe('delivered');
    expect(meta?.failedEvents).toBeUndefined();
  });
});

describe('outbox metrics', () => {
  it('counts failed events without reading them, and a redrive takes them off', async () => {
    // Prepare
    const before = await failedEventCount(deps);
    const flow = await failedEvent('/counted');
    const whileFailed = await failedEventCount(deps);
    // Act
    await flow.retry();
    await deliver(flow.conversationId);
    const counted = await counter.during(() => failedEventCount(deps));
    // Assess
    expect(whileFailed).toBe(before + 1);
    expect(counted.result).toBe(before);
    expect(counted.requests.filter((request) => request.index)).toEqual([]);
  });
});
