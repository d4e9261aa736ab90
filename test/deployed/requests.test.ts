import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prices } from '../../bench/cost.ts';
import { acceptedConversation } from '../support/flows.ts';
import { openLive } from '../support/live-client.ts';
import { eventually, startWebhookReceiver } from '../support/webhook-receiver.ts';
import { type Deployment, deploy } from './deployment.ts';

/**
 * The requests each function of the template makes per use case, counted on the deployed path (the
 * IAM-checking proxies of scripts/aws-local, which see every call a function makes) rather than the
 * local runtime's: a client's message and an agent's message, each with an agent's console open (one
 * live connection), so the stream notifier's reads per message are in. Printed for the cost rows;
 * asserted only for what must hold (delivered once, every function within its role), never for counts.
 */
let deployment: Deployment;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  receiver = await startWebhookReceiver(() => 200);
  deployment = await deploy();
});

afterAll(async () => {
  await deployment?.stop();
  await receiver?.close();
});

type Counts = Record<string, Record<string, number>>;

/** Every function's invocations and calls by action, so far. */
function counts(): Counts {
  const { stack } = deployment;
  const result: Counts = {};
  for (const [name, fn] of stack.functions) {
    const calls = Object.fromEntries(stack.principals.calls.get(fn.spec.name) ?? new Map<string, number>());
    result[name] = { invocations: fn.invocations.length, ...calls };
  }
  return result;
}

/** What each function did between two counts, functions that did nothing left out. */
function difference(after: Counts, before: Counts): Counts {
  const result: Counts = {};
  for (const [name, byAction] of Object.entries(after)) {
    const changed = Object.entries(byAction)
      .map(([action, count]) => [action, count - (before[name]?.[action] ?? 0)] as const)
      .filter(([, count]) => count > 0);
    if (changed.length) result[name] = Object.fromEntries(changed);
  }
  return result;
}

/**
 * The requests' price per million use cases, at one capacity unit per DynamoDB request (items under
 * 1 KB, each key of a batch a read; a transaction's items twice), one HTTP API request per use case and
 * one WebSocket message per management post, $0.40 per million SQS requests; Lambda duration and logs are the bench's (bench/cost.ts).
 */
function dollarsPerMillion(measured: Counts): number {
  const webSocketPerMessage = 1.0 / 1e6;
  let dollars = prices.httpApiPerRequest;
  for (const byAction of Object.values(measured)) {
    for (const [action, count] of Object.entries(byAction)) {
      if (action === 'invocations') dollars += count * prices.lambdaPerRequest;
      else if (/PutItem|UpdateItem|DeleteItem|BatchWriteItem/.test(action))
        dollars += count * prices.dynamoDbPerWriteUnit;
      else if (action === 'dynamodb:TransactWriteItems') dollars += 2 * count * prices.dynamoDbPerWriteUnit;
      else if (action === 'dynamodb:TransactGetItems') dollars += 2 * count * prices.dynamoDbPerReadUnit;
      else if (/GetItem|Query/.test(action)) dollars += count * prices.dynamoDbPerReadUnit;
      else if (action.startsWith('sqs:')) dollars += count * 0.4e-6;
      else if (action === 'execute-api:ManageConnections') dollars += count * webSocketPerMessage;
    }
  }
  return dollars * 1e6;
}

function report(useCase: string, measured: Counts): void {
  const lines = Object.entries(measured).map(
    ([name, byAction]) =>
      `  ${name}: ${Object.entries(byAction)
        .map(([action, count]) => `${action} ${count}`)
        .join(', ')}`,
  );
  console.log(
    `requests per ${useCase} on the deployed path (requests, not duration: ${dollarsPerMillion(measured).toFixed(2)} $ per million):\n${lines.join('\n')}`,
  );
}

describe('requests per use case, as deployed', () => {
  it("counts a client's message and an agent's message, the agent's console open", async () => {
    // Prepare
    const { client, deps, stack } = deployment;
    const path = '/requests';
    const flow = await acceptedConversation(client, deps, receiver.url(path));
    const ticket = await client('POST', '/agent/live/ticket', undefined, flow.agent.auth);
    const socket = await openLive(ticket.body.url, ticket.body.ticket);
    await stack.settle();
    // Act: a client's message, then an agent's, each counted once the stream is read to its end.
    const beforeClient = counts();
    await client('POST', `${flow.api}/sendText`, { userId: 'client-1', text: 'one question' });
    await socket.next({ conversationId: flow.conversationId });
    await stack.settle();
    const afterClient = counts();
    await flow.say('one answer');
    const delivered = await eventually(
      () =>
        receiver.received.filter((request) => request.path === path && request.body?.type === 'TextMessage'),
      (seen) => seen.length >= 1,
    );
    await stack.settle();
    const afterAgent = counts();
    await socket.close();
    const clientMessage = difference(afterClient, beforeClient);
    const agentMessage = difference(afterAgent, afterClient);
    report("client's message", clientMessage);
    report("agent's message", agentMessage);
    // Assess
    expect(delivered.map((request) => request.body.text)).toEqual(['one answer']);
    expect(clientMessage.SendText?.invocations).toBe(1);
    expect(clientMessage.NotifyFromStream?.invocations).toBeGreaterThan(0);
    expect(agentMessage.SendMessage?.invocations).toBe(1);
    expect(agentMessage.DeliverFromStream?.invocations).toBeGreaterThan(0);
    expect(stack.principals.denials).toEqual([]);
  });
});
