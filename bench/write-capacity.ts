import { type AttributeValue, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { deliverConversation } from '#delivery/engine.ts';
import type { Wired as Deps } from '#deps';
import { createDb, type Db, tableDefinition } from '#store/table.ts';
import { acceptConversation } from '#use-cases/agent/accept-conversation.ts';
import { authenticateAgent } from '#use-cases/agent/authenticate-agent.ts';
import { sendMessage } from '#use-cases/agent/send-message.ts';
import { authenticateChannel } from '#use-cases/operator/authenticate-channel.ts';
import { selectDestination } from '#use-cases/operator/select-destination.ts';
import { setWebhook } from '#use-cases/operator/set-webhook.ts';
import { type Row, row } from './stats.ts';

/**
 * Write capacity of an agent event (issue 16, finding 11): the agent's message and its delivery,
 * priced as DynamoDB prices them. dynalite returns no ConsumedCapacity, so every write the code sends
 * is read before and after on a client of its own and costed from the item sizes: one WCU per started
 * KB of the larger image, plus one index write per index whose projected image changed (two when its
 * key moved). One item takes at most 1,000 WCU a second, so the most-written item bounds how many
 * agent events one conversation can take per second.
 */

type Item = Record<string, AttributeValue>;

/** An attribute value's size as DynamoDB counts it (strings in UTF-8, numbers about a byte per two digits). */
function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return Math.ceil(value.N.replace(/^-|\.|e.*$/gi, '').length / 2) + 1;
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS) return value.SS.reduce((sum, s) => sum + Buffer.byteLength(s), 0);
  if (value.NS) return value.NS.reduce((sum, n) => sum + n.length, 0);
  if (value.L) return 3 + value.L.reduce((sum, element) => sum + 1 + valueSize(element), 0);
  if (value.M) return 3 + itemSize(value.M) + Object.keys(value.M).length;
  return 0;
}

export function itemSize(item: Item | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value),
    0,
  );
}

const kilobytes = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/** What an index holds of an item: its keys and included attributes, or nothing when the item is not in it. */
function projected(
  item: Item | undefined,
  index: (typeof tableDefinition.indexes)[number],
): Item | undefined {
  if (!item?.[index.partitionKey] || !item[index.sortKey]) return undefined;
  const names = [
    tableDefinition.partitionKey,
    tableDefinition.sortKey,
    index.partitionKey,
    index.sortKey,
    ...index.include,
  ];
  return Object.fromEntries(
    names.filter((name) => item[name] !== undefined).map((name) => [name, item[name] as AttributeValue]),
  );
}

/** The WCU of one write: on the item itself, and on the indexes (whose throughput is their own). */
function writeCost(before: Item | undefined, after: Item | undefined): { item: number; indexes: number } {
  const item = kilobytes(Math.max(itemSize(before), itemSize(after)));
  let indexes = 0;
  for (const index of tableDefinition.indexes) {
    const old = projected(before, index);
    const now = projected(after, index);
    if (JSON.stringify(old) === JSON.stringify(now)) continue;
    const keyMoved =
      old &&
      now &&
      (old[index.partitionKey]?.S !== now[index.partitionKey]?.S ||
        old[index.sortKey]?.S !== now[index.sortKey]?.S);
    if (old && (keyMoved || !now)) indexes += kilobytes(itemSize(old));
    if (now) indexes += kilobytes(itemSize(now));
  }
  return { item, indexes };
}

/** Prices every write `deps` sends while recording: per item (`pk|sk`), and on the indexes in all. */
function meterWriteCapacity(deps: Deps, endpoint: string) {
  const reader: Db = createDb({ ...deps.config, DYNAMODB_ENDPOINT: endpoint });
  let recording: { items: Map<string, number>; indexes: number } | undefined;
  deps.db.client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: Item; Item?: Item; TableName?: string };
      const writes = /^(PutItem|UpdateItem|DeleteItem)Command$/.test(context.commandName ?? '');
      if (!recording || !writes) return next(args);
      const source = input.Key ?? input.Item ?? {};
      const Key = { pk: source.pk as AttributeValue, sk: source.sk as AttributeValue };
      const read = async () =>
        (
          await reader.client.send(
            new GetItemCommand({ TableName: input.TableName, Key, ConsistentRead: true }),
          )
        ).Item;
      const tally = recording;
      const before = await read();
      try {
        return await next(args);
      } finally {
        const name = `${Key.pk.S}|${Key.sk.S}`;
        const cost = writeCost(before, await read());
        tally.items.set(name, (tally.items.get(name) ?? 0) + cost.item);
        tally.indexes += cost.indexes;
      }
    },
    { step: 'serialize', priority: 'low', name: `benchWriteCapacity${Math.random()}` },
  );
  return {
    async record(work: () => Promise<unknown>) {
      recording = { items: new Map<string, number>(), indexes: 0 };
      const tally = recording;
      try {
        await work();
      } finally {
        recording = undefined;
      }
      return tally;
    },
    close: () => reader.client.destroy(),
  };
}

/** `bytes` of pre-chat data in fields of 1,000 characters, as a CRM might send. */
function prechatOfSize(bytes: number): Record<string, string> {
  const fields = Math.max(1, Math.round(bytes / 1000));
  return Object.fromEntries(
    Array.from({ length: fields }, (_, i) => [`field${i}`, 'x'.repeat(Math.round(bytes / fields))]),
  );
}

export async function writeCapacityRows(options: {
  deps: Deps;
  endpoint: string;
  events: number;
  seed: () => Promise<{
    channelToken: string;
    agentToken: string;
    webhookUrl: string;
    destinationId: string;
  }>;
}): Promise<Row[]> {
  const { deps, events } = options;
  const meter = meterWriteCapacity(deps, options.endpoint);
  try {
    const measure = async (prechatBytes: number) => {
      const { channelToken, agentToken, webhookUrl, destinationId } = await options.seed();
      const channel = await authenticateChannel(deps, channelToken);
      await setWebhook(deps, channel, { url: webhookUrl });
      const { conversationId } = await selectDestination(deps, channel, {
        userId: `capacity-${prechatBytes}`,
        destinationId,
        attributes: prechatOfSize(prechatBytes),
      });
      const agent = await authenticateAgent(deps, agentToken);
      await acceptConversation(deps, agent, conversationId);
      await deliverConversation(deps, conversationId);
      const tally = await meter.record(async () => {
        for (let i = 0; i < events; i++) {
          await sendMessage(deps, agent, conversationId, { text: `event ${i}` }, undefined);
          await deliverConversation(deps, conversationId);
        }
      });
      const total = [...tally.items.values()].reduce((sum, wcu) => sum + wcu, tally.indexes);
      const hottest = Math.max(...tally.items.values());
      return { perEvent: total / events, hottestPerEvent: hottest / events };
    };
    const small = await measure(1_000);
    const large = await measure(120_000);
    return [
      row('write capacity per agent event (item and index writes), 1 KB pre-chat', small.perEvent, 'WCU'),
      row('write capacity per agent event (item and index writes), 120 KB pre-chat', large.perEvent, 'WCU', {
        floor: small.perEvent,
        target: '≤ 1.5× the 1 KB figure',
        met: (_value, ratio) => ratio !== null && ratio <= 1.5,
      }),
      row(
        'agent events per second into one conversation, 120 KB pre-chat',
        1000 / large.hottestPerEvent,
        'events/s',
        {
          target: '≥ 50 (1,000 WCU/s on its most-written item)',
          met: (value) => value >= 50,
        },
      ),
    ];
  } finally {
    meter.close();
  }
}
