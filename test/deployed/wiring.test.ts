import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys, sortKeys } from '#store/keys.ts';
import type { Template } from '../../scripts/aws-local/template.ts';
import { seedChannel, tableSnapshot } from '../support/clients.ts';
import { acceptedConversation } from '../support/flows.ts';
import { openLive } from '../support/live-client.ts';
import { eventually, startWebhookReceiver } from '../support/webhook-receiver.ts';
import { type Deployment, deploy } from './deployment.ts';

/**
 * What only the deployed wiring does, on the synthesized template run locally (scripts/aws-local):
 * delivery from the table's stream and through the retry queue, the schedule's sweep, the notifier
 * posting to the WebSocket API's management endpoint, TTL's deletions, and the roles and filters the
 * template gives each function, shown to matter by breaking them.
 */
let deployment: Deployment;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  deployment = await deploy();
});

afterAll(async () => {
  await deployment?.stop();
  await receiver?.close();
});

const textsAt = (path: string) =>
  receiver.received.filter((request) => request.path === path && request.body?.type === 'TextMessage');

describe('delivery as deployed', () => {
  it("delivers an agent's message once, from the table's stream, with no sweep", async () => {
    // Prepare
    const { client, deps, stack } = deployment;
    const path = '/stream';
    const flow = await acceptedConversation(client, deps, receiver.url(path));
    // Act
    await flow.say('through the stream');
    const texts = await eventually(
      () => textsAt(path),
      (seen) => seen.length >= 1,
    );
    await stack.settle();
    // Assess
    expect(texts.map((request) => request.body.text)).toEqual(['through the stream']);
    expect(stack.fn('DeliverFromStream').invocations.length).toBeGreaterThan(0);
    expect(stack.schedules[0]?.fired).toEqual([]);
    expect(stack.principals.denials).toEqual([]);
  });

  it('retries through the delay queue and the timer function when the webhook fails', async () => {
    // Prepare
    const { client, deps, stack } = deployment;
    const path = '/flaky';
    const flow = await acceptedConversation(client, deps, receiver.url(path));
    // Attempts 0, 2, 4 s apart fit in the stream function's budget (one 10-second attempt timeout);
    // the fourth, 8 s later, does not: it goes out through the delay queue.
    let failures = 0;
    receiver.script((request) => {
      if (request.path === path && request.body?.type === 'TextMessage' && failures < 3) {
        failures += 1;
        return 503;
      }
      return 200;
    });
    const timerBefore = stack.fn('DeliverOnTimer').invocations.length;
    // Act
    await flow.say('after a 503');
    const texts = await eventually(
      () => textsAt(path),
      (seen) => seen.some((request) => request.answer === 200),
      30_000,
    );
    receiver.script(() => 200);
    // Assess
    expect(texts.map((request) => [request.body.text, request.answer])).toEqual([
      ['after a 503', 503],
      ['after a 503', 503],
      ['after a 503', 503],
      ['after a 503', 200],
    ]);
    expect(stack.fn('DeliverOnTimer').invocations.length).toBeGreaterThan(timerBefore);
    expect(stack.schedules[0]?.fired).toEqual([]);
  });

  it("runs the schedule's sweep with its role: no error, no AccessDenied", async () => {
    // Act
    const outcome = (await deployment.stack.schedules[0]?.fire()) as object;
    // Assess
    expect(outcome).toHaveProperty('result');
    expect(deployment.stack.principals.denials).toEqual([]);
  });
});

describe('live updates as deployed', () => {
  it('notifies an open WebSocket, on its own origin, through the management endpoint', async () => {
    // Prepare
    const { client, deps, stack } = deployment;
    const flow = await acceptedConversation(client, deps, receiver.url('/live'));
    const ticket = await client('POST', '/agent/live/ticket', undefined, flow.agent.auth);
    const socket = await openLive(ticket.body.url, ticket.body.ticket);
    // Act
    await client('POST', `${flow.api}/sendText`, {
      userId: 'client-1',
      text: 'are you there?',
    });
    const notification = await socket.next({ conversationId: flow.conversationId });
    await socket.close();
    // Assess
    expect(ticket.status).toBe(200);
    expect(new URL(ticket.body.url).origin).not.toBe(new URL(stack.apiUrl).origin);
    expect(ticket.body.url).toBe(stack.liveUrl);
    expect(notification.conversationId).toBe(flow.conversationId);
    expect(stack.principals.denials).toEqual([]);
  });
});

describe('TTL as deployed', () => {
  it("removes what remains of an expired conversation, from TTL's REMOVE record", async () => {
    // Prepare
    const { client, deps, stack } = deployment;
    const flow = await acceptedConversation(client, deps, receiver.url('/ttl'));
    await flow.say('soon gone');
    await eventually(
      () => textsAt('/ttl'),
      (seen) => seen.length >= 1,
    );
    const items = async () =>
      (
        await deps.db.doc.send(
          new QueryCommand({
            TableName: deps.db.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.conversation(flow.conversationId).pk },
          }),
        )
      ).Items ?? [];
    // The conversation gets its expiry back only once its last event is delivered (the deliverer's
    // release, a moment after the webhook's answer): expire it after that.
    const before = await eventually(items, (list) =>
      list.some((item) => item.sk === sortKeys.conversation && item.expiresAt),
    );
    const cleanupsBefore = stack.fn('DeliverFromStream').invocations.length;
    // Act: three days on, past the two-day retention the suite synthesizes with.
    const expired = await stack.expireItems(Math.floor(Date.now() / 1000) + 3 * 86_400);
    // The harness deletes the expired items at once; the cleanup runs when the stream poller
    // hands their REMOVE records to the function, a moment later.
    const cleanups = await eventually(
      () => stack.fn('DeliverFromStream').invocations.length,
      (count) => count > cleanupsBefore,
    );
    const after = await eventually(items, (remaining) => remaining.length === 0);
    // Assess
    expect(before.length).toBeGreaterThan(0);
    expect(expired).toBeGreaterThan(0);
    expect(after).toEqual([]);
    expect(cleanups).toBeGreaterThan(cleanupsBefore);
    const messages = await client('GET', `${flow.path}/messages`, undefined, flow.agent.auth);
    expect(messages.status).toBe(404);
  });
});

type Statement = { Action: string | string[]; Condition?: Record<string, Record<string, string[]>> };

/** The statements of the policies the template attaches to a function's role (by its construct name). */
function statementsOf(template: Template, functionName: string): Statement[] {
  const [fnId] =
    Object.entries(template.Resources).find(
      ([, resource]) =>
        resource.Type === 'AWS::Lambda::Function' &&
        String(resource.Metadata?.['aws:cdk:path']).split('/').at(-2) === functionName,
    ) ?? [];
  const role = template.Resources[String(fnId)]?.Properties?.Role as { 'Fn::GetAtt': string[] } | undefined;
  const roleId = role?.['Fn::GetAtt'][0];
  if (!roleId) throw new Error(`No function ${functionName} with a role in the template`);
  return Object.values(template.Resources).flatMap((resource) => {
    if (resource.Type !== 'AWS::IAM::Policy') return [];
    const roles = resource.Properties?.Roles as { Ref: string }[];
    if (!roles.some((entry) => entry.Ref === roleId)) return [];
    return (resource.Properties?.PolicyDocument as { Statement: Statement[] } | undefined)?.Statement ?? [];
  });
}

/** Removes an action from every statement of a function's role. */
function withoutGrant(template: Template, functionName: string, action: string): void {
  for (const statement of statementsOf(template, functionName)) {
    const actions = [statement.Action].flat().filter((name) => name !== action);
    statement.Action = actions.length ? actions : ['none:None'];
  }
}

/** Removes a partition pattern from every `dynamodb:LeadingKeys` condition of a function's role. */
function withoutPartition(template: Template, functionName: string, pattern: string): void {
  for (const statement of statementsOf(template, functionName)) {
    const tests = statement.Condition?.['ForAllValues:StringLike'];
    const keys = tests?.['dynamodb:LeadingKeys'];
    if (tests && keys) tests['dynamodb:LeadingKeys'] = [keys].flat().filter((key) => key !== pattern);
  }
}

describe('the template matters: a broken wiring fails', () => {
  it('a role without dynamodb:PutItem gets AccessDenied and the route answers 500, writing nothing', async () => {
    // Prepare
    const broken = await deploy((template) =>
      withoutGrant(template, 'SelectDestination', 'dynamodb:PutItem'),
    );
    try {
      const { client, deps, stack } = broken;
      const { api, support } = await seedChannel(deps);
      const before = await tableSnapshot(deps);
      // Act
      const reply = await client('POST', `${api}/selectDestination`, {
        userId: 'client-1',
        destinationId: support.destinationId,
      });
      // Assess
      expect(reply.status).toBe(500);
      expect(await tableSnapshot(deps)).toBe(before);
      expect(stack.principals.denials).toContainEqual(
        expect.objectContaining({
          action: 'dynamodb:PutItem',
          functionName: expect.stringContaining('SelectDestination'),
        }),
      );
    } finally {
      await broken.stop();
    }
  });

  it('a role whose dynamodb:LeadingKeys lack a partition the function writes gets AccessDenied, writing nothing', async () => {
    // Prepare: SelectDestination writes the user's open-conversation pointer (OPEN#...) with the conversation.
    const broken = await deploy((template) => withoutPartition(template, 'SelectDestination', 'OPEN#*'));
    try {
      const { client, deps, stack } = broken;
      const { api, support } = await seedChannel(deps);
      const before = await tableSnapshot(deps);
      // Act
      const reply = await client('POST', `${api}/selectDestination`, {
        userId: 'client-1',
        destinationId: support.destinationId,
      });
      // Assess
      expect(reply.status).toBe(500);
      expect(await tableSnapshot(deps)).toBe(before);
      expect(stack.principals.denials).toContainEqual(
        expect.objectContaining({ functionName: expect.stringContaining('SelectDestination') }),
      );
    } finally {
      await broken.stop();
    }
  });

  it('a stream filter that can never match delivers nothing from the stream', async () => {
    // Prepare
    const broken = await deploy((template) => {
      for (const resource of Object.values(template.Resources)) {
        const filters = resource.Properties?.FilterCriteria as { Filters: { Pattern: string }[] } | undefined;
        if (resource.Type !== 'AWS::Lambda::EventSourceMapping' || !filters) continue;
        if (!JSON.stringify(resource.Properties?.FunctionName).includes('DeliverFromStream')) continue;
        // `status` is a map attribute's key: `S` there never exists, so no record matches.
        filters.Filters = [
          { Pattern: JSON.stringify({ dynamodb: { NewImage: { delivery: { S: [{ exists: true }] } } } }) },
        ];
      }
    });
    try {
      const { client, deps, stack } = broken;
      const path = '/never';
      const flow = await acceptedConversation(client, deps, receiver.url(path));
      // Act
      await flow.say('nobody hears this');
      await stack.settle();
      // Assess
      const mapping = stack.streamMappings.find((m) => m.spec.fn === stack.fn('DeliverFromStream'));
      expect(mapping?.stats.filteredOut).toBeGreaterThan(0);
      expect(stack.fn('DeliverFromStream').invocations).toEqual([]);
      expect(textsAt(path)).toEqual([]);
    } finally {
      await broken.stop();
    }
  });
});
