import { beforeAll, describe, expect, it } from 'vitest';
import { liveNotifier, liveRoutes } from '#api/routes.ts';
import { contentSecurityPolicy } from '#http/console-response.ts';
import { keys } from '#store/keys.ts';
import { matches, type Pattern } from './event-pattern.ts';
import { type Synthesized, synthesize } from './synthesize.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Action: string | string[]; Resource: unknown };

let synthesized: Synthesized;

beforeAll(() => {
  synthesized = synthesize();
});

function resources(type: string): Record<string, Resource> {
  return synthesized.template.findResources(type) as Record<string, Resource>;
}

function statementsOfFunction(logicalId: string): Statement[] {
  const role = JSON.stringify(resources('AWS::Lambda::Function')[logicalId]?.Properties.Role);
  const roleId = role.match(/"Fn::GetAtt":\["(\w+)","Arn"\]/)?.[1];
  return Object.values(resources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

describe('live updates', () => {
  it('makes a WebSocket API whose $connect and $disconnect are the functions of the route table', () => {
    const { live } = synthesized.stack;
    const apiId = synthesized.logicalId(live.webSocketApi);
    synthesized.template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'WEBSOCKET' });
    const integrations = resources('AWS::ApiGatewayV2::Integration');
    const targets = Object.fromEntries(
      Object.values(resources('AWS::ApiGatewayV2::Route'))
        .filter((route) => JSON.stringify(route.Properties.ApiId) === JSON.stringify({ Ref: apiId }))
        .map((route) => {
          const integrationId = JSON.stringify(route.Properties.Target).match(/"Ref":"(\w+)"/)?.[1] ?? '';
          const uri = JSON.stringify(integrations[integrationId]?.Properties.IntegrationUri);
          return [route.Properties.RouteKey, uri.match(/"Fn::GetAtt":\["(\w+)","Arn"\]/)?.[1]];
        }),
    );
    expect(targets).toEqual(
      Object.fromEntries(
        liveRoutes.map((route) => [
          route.routeKey,
          synthesized.logicalId(live.functions.get(route.name) as never),
        ]),
      ),
    );
  });

  it('deploys a throttled stage and outputs its wss:// URL', () => {
    synthesized.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: synthesized.logicalId(synthesized.stack.live.webSocketApi) },
      StageName: 'live',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    const output = JSON.stringify(synthesized.template.findOutputs('LiveUrl'));
    expect(output).toContain('wss://');
  });

  it('feeds the stream to the notifier, as its second reader, with the dead-letter queue for what it gives up on', () => {
    synthesized.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: synthesized.logicalId(synthesized.stack.live.notifier) },
      EventSourceArn: { 'Fn::GetAtt': [synthesized.logicalId(synthesized.stack.table.table), 'StreamArn'] },
      StartingPosition: 'LATEST',
      MaximumRetryAttempts: 2,
      MaximumRecordAgeInSeconds: 60,
      DestinationConfig: {
        OnFailure: {
          Destination: {
            'Fn::GetAtt': [synthesized.logicalId(synthesized.stack.delivery.deadLetterQueue), 'Arn'],
          },
        },
      },
    });
  });

  describe('wakes the notifier for what a console shows, never for the delivery lease', () => {
    const notifierFilters = (): Pattern[] => {
      const notifierId = synthesized.logicalId(synthesized.stack.live.notifier);
      const mapping = Object.values(resources('AWS::Lambda::EventSourceMapping')).find(
        (it) => JSON.stringify(it.Properties.FunctionName) === JSON.stringify({ Ref: notifierId }),
      );
      if (!mapping) throw new Error('The notifier has no stream mapping');
      const { Filters } = mapping.Properties.FilterCriteria as { Filters: { Pattern: string }[] };
      return Filters.map((filter) => JSON.parse(filter.Pattern));
    };
    const wakes = (record: unknown) => notifierFilters().some((pattern) => matches(pattern, record));
    const conversation = keys.conversation('c1');
    const entry = keys.message('c1', 3);
    const record = (
      eventName: string,
      itemKeys: { pk: string; sk: string },
      oldImage: Record<string, unknown> | undefined,
      newImage: Record<string, unknown>,
    ) => ({
      eventName,
      dynamodb: {
        Keys: { pk: { S: itemKeys.pk }, sk: { S: itemKeys.sk } },
        ...(oldImage && { OldImage: { ...oldImage, pk: { S: itemKeys.pk } } }),
        NewImage: { ...newImage, pk: { S: itemKeys.pk } },
      },
    });
    const open = { status: { S: 'open' }, lastSeq: { N: '3' } };
    const leased = { ...open, leaseOwner: { S: 'pass-1' }, leaseUntil: { S: '2026-12-04T03:00:00Z' } };

    it('a conversation created or changed, with or without a lease held throughout', () => {
      expect(wakes(record('INSERT', conversation, undefined, open))).toBe(true);
      expect(wakes(record('MODIFY', conversation, open, { ...open, status: { S: 'closed' } }))).toBe(true);
      expect(wakes(record('MODIFY', conversation, leased, { ...leased, status: { S: 'closed' } }))).toBe(
        true,
      );
    });

    it('a transcript entry added, or its delivery state changed', () => {
      const pending = { delivery: { M: { status: { S: 'pending' } } } };
      expect(wakes(record('INSERT', entry, undefined, pending))).toBe(true);
      expect(
        wakes(record('MODIFY', entry, pending, { delivery: { M: { status: { S: 'delivered' } } } })),
      ).toBe(true);
    });

    it('not the engine taking the lease or letting it go, nor removals or other items', () => {
      expect(wakes(record('MODIFY', conversation, open, leased))).toBe(false);
      expect(wakes(record('MODIFY', conversation, leased, { ...open, cursors: { M: {} } }))).toBe(false);
      expect(
        wakes({
          eventName: 'REMOVE',
          dynamodb: { Keys: { pk: { S: conversation.pk }, sk: { S: conversation.sk } } },
        }),
      ).toBe(false);
      expect(wakes(record('INSERT', keys.prechat('c1'), undefined, {}))).toBe(false);
      expect(wakes(record('MODIFY', keys.agent('a1'), {}, {}))).toBe(false);
    });
  });

  it('lets only the notifier post to connections, and only to this API stage with POST', () => {
    const notifierId = synthesized.logicalId(synthesized.stack.live.notifier);
    const apiId = synthesized.logicalId(synthesized.stack.live.webSocketApi);
    for (const id of Object.keys(resources('AWS::Lambda::Function'))) {
      const manage = statementsOfFunction(id).filter((statement) =>
        [statement.Action].flat().some((action) => action.startsWith('execute-api:')),
      );
      if (id !== notifierId) {
        expect(manage, id).toEqual([]);
        continue;
      }
      expect(manage).toHaveLength(1);
      expect(manage[0]?.Action).toBe('execute-api:ManageConnections');
      const resource = JSON.stringify(manage[0]?.Resource);
      expect(resource).toContain(`{"Ref":"${apiId}"}`);
      expect(resource).toContain('/live/POST/@connections/*');
    }
  });

  it('gives the WebSocket functions and the notifier read and write access to the table', () => {
    const { live, table } = synthesized.stack;
    const tableId = synthesized.logicalId(table.table);
    const functions = [...live.functions.values(), live.notifier];
    expect(functions).toHaveLength(liveRoutes.length + 1);
    for (const fn of functions) {
      const actions = statementsOfFunction(synthesized.logicalId(fn))
        .filter((statement) => JSON.stringify(statement.Resource).includes(tableId))
        .flatMap((statement) => statement.Action);
      expect(actions).toEqual(
        expect.arrayContaining(['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem']),
      );
    }
    expect(liveNotifier.table).not.toBe('none');
  });

  it('tells the ticket function and the console where to connect, and the notifier where to post; no other function', () => {
    const { api, live } = synthesized.stack;
    const readers = ['CreateLiveTicket', 'ServeConsoleIndex', 'ServeConsoleFile'].map((name) =>
      synthesized.logicalId(api.functions.get(name) as never),
    );
    const notifierId = synthesized.logicalId(live.notifier);
    const liveUrl = synthesized.stack.resolve(live.url);
    for (const [id, fn] of Object.entries(resources('AWS::Lambda::Function'))) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      // One name, read through the settings schema (src/domain/shared/config.ts) by the ticket function and the console.
      expect(variables.LIVE_URL, id).toEqual(readers.includes(id) ? liveUrl : undefined);
      expect('LIVE_UPDATES_URL' in variables, id).toBe(false);
      expect('LIVE_MANAGEMENT_URL' in variables, id).toBe(id === notifierId);
    }
    expect(JSON.stringify(liveUrl)).toContain('wss://');
    expect(JSON.stringify(resources('AWS::Lambda::Function')[notifierId]?.Properties.Environment)).toContain(
      'https://',
    );
  });

  it("lets the console's page connect to the WebSocket API's origin (its Content-Security-Policy)", () => {
    // The stage URL as CloudFormation resolves it, with made-up values for the API id and region.
    const liveUrl = synthesized.stack.resolve(synthesized.stack.live.url) as {
      'Fn::Join': [string, (string | { Ref: string })[]];
    };
    const pseudo: Record<string, string> = { 'AWS::Region': 'eu-west-1', 'AWS::URLSuffix': 'amazonaws.com' };
    const [separator, parts] = liveUrl['Fn::Join'];
    const resolved = parts
      .map((part) => (typeof part === 'string' ? part : (pseudo[part.Ref] ?? 'abc123')))
      .join(separator);
    expect(resolved).toMatch(/^wss:\/\/abc123\.execute-api\.eu-west-1\.[a-z.]+\/live$/);
    expect(contentSecurityPolicy(resolved)).toContain(`connect-src 'self' ${new URL(resolved).origin};`);
  });
});
