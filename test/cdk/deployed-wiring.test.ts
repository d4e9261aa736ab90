import { describe, expect, it } from 'vitest';
import { keys, liveKeys } from '#store/keys.ts';
import { dynamoDbNeeds } from '../../scripts/aws-local/aws-proxy.ts';
import { matchesAny, type Pattern } from '../../scripts/aws-local/event-filter.ts';
import { roleOf } from '../../scripts/aws-local/iam.ts';
import {
  type Physical,
  queueArn,
  Resolver,
  type Template,
  tableArn,
} from '../../scripts/aws-local/template.ts';
import { synthesize } from './synthesize.ts';

/**
 * The rules the local deployment (scripts/aws-local) applies, checked without Java or Python: Lambda
 * event filtering on the stack's own stream filters, and IAM evaluation on the roles the template
 * gives its functions. `npm run test:deployed` runs the deployment itself.
 */
const template = synthesize().template.toJSON() as Template;
const streamArn = 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/1';
const resolver = new Resolver(
  template,
  'OperatorBridge',
  new Map<string, Physical>([
    ...Object.entries(template.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::DynamoDB::Table')
      .map(([id]): [string, Physical] => [
        id,
        { ref: 't', attributes: { Arn: tableArn('t'), StreamArn: streamArn } },
      ]),
    ...Object.entries(template.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::SQS::Queue')
      .map(([id]): [string, Physical] => [id, { ref: id, attributes: { Arn: queueArn(id) } }]),
  ]),
);

function functionId(name: string): string {
  const found = Object.entries(template.Resources).find(
    // Logical ids are the construct path without slashes, and a hash: `DeliveryDeliverFromStream389F6DC8`.
    ([id, resource]) =>
      resource.Type === 'AWS::Lambda::Function' && new RegExp(`^[A-Za-z]*?${name}[0-9A-F]{8}$`).test(id),
  );
  if (!found) throw new Error(`no function ${name}`);
  return found[0];
}

function filtersOf(name: string): Pattern[] {
  const id = functionId(name);
  const mapping = Object.values(template.Resources).find(
    (resource) =>
      resource.Type === 'AWS::Lambda::EventSourceMapping' &&
      (resource.Properties?.FunctionName as { Ref?: string } | undefined)?.Ref === id,
  );
  const criteria = mapping?.Properties?.FilterCriteria as { Filters: { Pattern: string }[] } | undefined;
  if (!criteria) throw new Error(`no filtered mapping for ${name}`);
  return criteria.Filters.map(({ Pattern }) => JSON.parse(Pattern) as Pattern);
}

const record = (
  eventName: string,
  itemKeys: Record<string, string>,
  extra: Record<string, unknown> = {},
) => ({
  eventName,
  dynamodb: { Keys: Object.fromEntries(Object.entries(itemKeys).map(([k, v]) => [k, { S: v }])), ...extra },
});

describe("the stack's stream filters, by Lambda's filtering rules", () => {
  const delivery = filtersOf('DeliverFromStream');
  const notifier = filtersOf('NotifyFromStream');

  it('wake DeliverFromStream for a new outbox entry, a wake-up and a TTL removal only', () => {
    const outboxInsert = record('INSERT', keys.message('c', 1), {
      NewImage: { delivery: { M: { status: { S: 'pending' } } } },
    });
    const outboxModify = { ...outboxInsert, eventName: 'MODIFY' };
    const ttl = {
      ...record('REMOVE', keys.conversation('c')),
      userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
    };
    const deleted = record('REMOVE', keys.conversation('c'));
    const wake = record('MODIFY', keys.wake('c', 'x'));
    expect([outboxInsert, outboxModify, ttl, deleted, wake].map((r) => matchesAny(delivery, r))).toEqual([
      true,
      false,
      true,
      false,
      true,
    ]);
  });

  it('wake the notifier for conversation and message items, never for others', () => {
    const samples = [
      record('INSERT', keys.conversation('c')),
      record('MODIFY', keys.message('c', 2)),
      record('REMOVE', keys.conversation('c')),
      record('INSERT', keys.agent('a')),
    ];
    expect(samples.map((r) => matchesAny(notifier, r))).toEqual([true, true, false, false]);
  });

  it('never lets a rule on a map attribute match a leaf, as in AWS', () => {
    const pattern = { dynamodb: { NewImage: { delivery: { S: [{ exists: true }] } } } } as Pattern;
    const insert = record('INSERT', { pk: 'p', sk: 's' }, { NewImage: { delivery: { M: {} } } });
    expect(matchesAny([pattern], insert)).toBe(false);
  });
});

describe('the roles the template gives its functions, by IAM evaluation', () => {
  const needs = dynamoDbNeeds({ table: 'pk', indexes: { byState: 'gsi1pk', byQueue: 'gsi2pk' } });
  /** Whether every action the call needs is allowed, its partition keys checked as IAM does. */
  const allowed = (name: string, operation: string, body: Record<string, unknown>) => {
    const role = roleOf(resolver, functionId(name));
    return needs(operation, { TableName: 't', ...body }).every(([action, resource, context]) =>
      role.allows(action, resource, context),
    );
  };
  const key = ({ pk, sk }: { pk: string; sk: string }) => ({ pk: { S: pk }, sk: { S: sk } });

  it('let SendText write its conversation and nothing else', () => {
    const role = roleOf(resolver, functionId('SendText'));
    expect(allowed('SendText', 'PutItem', { Item: key(keys.message('c', 1)) })).toBe(true);
    expect(allowed('SendText', 'PutItem', { Item: key(keys.agent('a')) })).toBe(false);
    expect(role.allows('dynamodb:Scan', tableArn('t'))).toBe(false);
    expect(role.allows('dynamodb:PutItem', tableArn('other'))).toBe(false);
    expect(role.allows('sqs:SendMessage', 'arn:aws:sqs:us-east-1:123456789012:q')).toBe(false);
  });

  it('check every partition a transaction, a batch or a query touches (dynamodb:LeadingKeys)', () => {
    const transaction = (...items: { pk: string; sk: string }[]) => ({
      TransactItems: items.map((item) => ({ Put: { TableName: 't', Item: key(item) } })),
    });
    const batch = (...items: { pk: string; sk: string }[]) => ({
      RequestItems: { t: { Keys: items.map((item) => key(item)) } },
    });
    const query = (pk: string, IndexName?: string) => ({
      ...(IndexName && { IndexName }),
      KeyConditionExpression: '#p = :p AND begins_with(sk, :s)',
      ExpressionAttributeNames: { '#p': IndexName ? 'gsi1pk' : 'pk' },
      ExpressionAttributeValues: { ':p': { S: pk }, ':s': { S: keys.messages('').skPrefix } },
    });
    const [conversation, message] = [keys.conversation('c'), keys.message('c', 1)];
    const secret = keys.channelSecret('x');
    expect(allowed('SendText', 'TransactWriteItems', transaction(conversation, message))).toBe(true);
    expect(allowed('SendText', 'TransactWriteItems', transaction(conversation, secret))).toBe(false);
    expect(allowed('SendText', 'BatchGetItem', batch(conversation, keys.conversation('b')))).toBe(true);
    expect(allowed('SendText', 'BatchGetItem', batch(conversation, secret))).toBe(false);
    expect(allowed('SendText', 'Query', query(conversation.pk))).toBe(true);
    expect(allowed('SendText', 'Query', query(liveKeys.ticket('t').pk))).toBe(false);
    expect(allowed('SweepOutbox', 'Query', query(keys.duePartition(0), 'byState'))).toBe(true);
  });

  it('let only the delivery functions read the platform secret', () => {
    const secret = { Key: key(keys.channelSecret('c')) };
    expect(allowed('DeliverFromStream', 'GetItem', secret)).toBe(true);
    expect(allowed('DeliverOnTimer', 'GetItem', secret)).toBe(true);
    expect(allowed('SendText', 'GetItem', secret)).toBe(false);
    expect(allowed('NotifyFromStream', 'GetItem', secret)).toBe(false);
  });

  it('let the stream functions read the stream and no other', () => {
    const role = roleOf(resolver, functionId('NotifyFromStream'));
    expect(role.allows('dynamodb:GetRecords', streamArn)).toBe(true);
    expect(role.allows('dynamodb:GetRecords', `${streamArn}x`)).toBe(false);
    expect(
      role.allows(
        'execute-api:ManageConnections',
        'arn:aws:execute-api:us-east-1:1:other/live/POST/@connections/c',
      ),
    ).toBe(false);
  });
});
