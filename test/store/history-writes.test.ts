import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Wired as Deps } from '#deps';
import { formatBotHistory, MAX_HISTORY_ENTRIES } from '#domain/conversations/history.ts';
import { keys } from '#store/keys.ts';
import { setAgentPlatform } from '#use-cases/admin/set-agent-platform.ts';
import { inProcessClient as client, seedChannel } from '../support/clients.ts';
import { useEmbeddedStore } from '../support/embedded-store.ts';
import { storeFaults } from '../support/store-faults.ts';

/**
 * The bot conversation on the write path (PRODUCT.md section 5), on the embedded store: its turns are
 * numbered with the first client message that carried them, only that message is ever read, and a
 * crash or a resent write between the counter and the puts loses nothing and doubles nothing.
 */
let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let deps: Deps;
let faults: ReturnType<typeof storeFaults>;

beforeAll(async () => {
  store = await useEmbeddedStore();
  deps = store.deps;
  faults = storeFaults(deps);
});
afterAll(() => store.close());

const history = 'CLIENT\nI want to change my plan\n\nBOT\nWhich plan?\n\nCLIENT\nPro';
/** The turns of `history` as `storedTranscript` lists them. */
const turns = ['client:history:I want to change my plan', 'bot:history:Which plan?', 'client:history:Pro'];

/**
 * A conversation's transcript items as stored, in sequence order, every page of them (a scan of the
 * table would stop at 1 MB on DynamoDB Local, and the largest histories below take some of that).
 */
async function transcriptItems(conversationId: string) {
  const messages = keys.messages(conversationId);
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await deps.db.doc.send(
      new QueryCommand({
        TableName: deps.db.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :msg)',
        ExpressionAttributeValues: { ':pk': messages.pk, ':msg': messages.skPrefix },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items.sort((a, b) => (a.seq as number) - (b.seq as number));
}

/** What each stored entry is, in order: `from:type:history?:text or note`. */
async function storedTranscript(conversationId: string) {
  const items = await transcriptItems(conversationId);
  return items.map((item) =>
    item.gap ? 'gap' : `${item.from}:${item.history ? 'history:' : ''}${item.note ?? item.text}`,
  );
}

async function selected(userId: string) {
  const seeded = await seedChannel(deps);
  const opened = await client('POST', `${seeded.api}/selectDestination`, {
    userId,
    destinationId: seeded.support.destinationId,
  });
  return { ...seeded, conversationId: opened.body.conversationId as string };
}

describe('the first client message in the history format', () => {
  it('is kept as sent, after its turns, when it follows selectDestination', async () => {
    // Prepare
    const { api, conversationId } = await selected('h-select');
    // Act
    const reply = await client('POST', `${api}/sendText`, { userId: 'h-select', text: history });
    // Assess
    expect(reply.status).toBe(200);
    expect(await storedTranscript(conversationId)).toEqual(['system:opened', ...turns, `client:${history}`]);
    const items = await transcriptItems(conversationId);
    expect(items.at(-1)?.id).toBe(reply.body.messageId);
    expect(items.filter((item) => item.delivery)).toEqual([]);
  });

  it('is kept as sent, after its turns, when it opens the conversation itself', async () => {
    // Prepare
    const { api } = await seedChannel(deps);
    // Act
    const reply = await client('POST', `${api}/sendText`, { userId: 'h-open', text: history });
    // Assess
    expect(await storedTranscript(reply.body.conversationId)).toEqual([
      'system:opened',
      ...turns,
      `client:${history}`,
    ]);
  });

  it('is read even after an agent wrote first: only client messages count', async () => {
    // Prepare
    const { api, conversationId, support } = await selected('h-agent-first');
    const { seedAgent } = await import('../support/clients.ts');
    const agent = await seedAgent(deps, [support.destinationId]);
    const path = `/agent/conversations/${conversationId}`;
    await client('POST', `${path}/accept`, undefined, agent.auth);
    await client('POST', `${path}/messages`, { text: 'Hello from Ada' }, agent.auth);
    // Act
    await client('POST', `${api}/sendText`, { userId: 'h-agent-first', text: history });
    // Assess
    const stored = await storedTranscript(conversationId);
    expect(stored.filter((entry) => entry.includes(':history:'))).toHaveLength(3);
  });

  it('notifies the agent platform of the message only, never of a turn', async () => {
    // Prepare
    const { api, channel, support } = await seedChannel(deps);
    await setAgentPlatform(deps, channel.channelId, 'http://127.0.0.1:9/platform');
    await client('POST', `${api}/selectDestination`, {
      userId: 'h-platform',
      destinationId: support.destinationId,
    });
    // Act
    const reply = await client('POST', `${api}/sendText`, { userId: 'h-platform', text: history });
    // Assess
    const items = await transcriptItems(reply.body.conversationId);
    expect(items.filter((item) => item.history && item.delivery)).toEqual([]);
    expect(items.at(-1)).toMatchObject({ text: history, delivery: { target: 'platform' } });
  });
});

describe('any later message stays one message', () => {
  it.each([
    [
      'a second history',
      (api: string, userId: string) => client('POST', `${api}/sendText`, { userId, text: history }),
    ],
    [
      'an ordinary text',
      (api: string, userId: string) => client('POST', `${api}/sendText`, { userId, text: 'hi' }),
    ],
    [
      'a file',
      (api: string, userId: string) =>
        client('POST', `${api}/sendFile`, { userId, url: 'https://x.example/a.png' }),
    ],
  ])('after %s first', async (_name, first) => {
    // Prepare
    const userId = `h-later-${_name.replaceAll(' ', '-')}`;
    const { api, conversationId } = await selected(userId);
    await first(api, userId);
    const before = (await storedTranscript(conversationId)).length;
    // Act
    await client('POST', `${api}/sendText`, { userId, text: history });
    // Assess
    expect((await storedTranscript(conversationId)).slice(before)).toEqual([`client:${history}`]);
  });

  it('when two messages in the format race: exactly one carries turns', async () => {
    // Prepare
    const { api, conversationId } = await selected('h-race');
    // Act
    const replies = await Promise.all(
      [1, 2, 3].map(() => client('POST', `${api}/sendText`, { userId: 'h-race', text: history })),
    );
    // Assess
    expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200]);
    const stored = await storedTranscript(conversationId);
    expect(stored.filter((entry) => entry.includes(':history:'))).toHaveLength(3);
    expect(stored.filter((entry) => entry === `client:${history}`)).toHaveLength(3);
  });
});

/**
 * An item's size as DynamoDB counts it (UTF-8 bytes of names and strings; dynalite counts UTF-16 units,
 * so it lets through a multi-byte item that DynamoDB refuses).
 */
function dynamoBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return 1 + Math.ceil(String(value).replace(/[-.]/g, '').length / 2);
  if (typeof value === 'boolean' || value === null) return 1;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + dynamoBytes(v), 0);
  const entries = Object.entries(value as Record<string, unknown>);
  return 3 + entries.reduce((sum, [name, v]) => sum + 1 + Buffer.byteLength(name) + dynamoBytes(v), 0);
}

describe('the largest history DialogStudio may send', () => {
  /** 32,000 characters in turns of one character: the most turns a text can carry. */
  const mostTurns = formatBotHistory(
    Array.from({ length: 3700 }, (_, i) => ({ from: i % 2 === 0 ? 'client' : 'bot', text: 'ж' })),
  ).padEnd(32_000, '語');
  /** 32,000 three-byte characters in as many turns as are kept one by one: the most bytes. */
  const mostBytes = formatBotHistory(
    Array.from({ length: MAX_HISTORY_ENTRIES }, (_, i) => ({
      from: i % 2 === 0 ? 'client' : 'bot',
      text: '語'.repeat(150),
    })),
  ).padEnd(32_000, '語');

  it.each([
    ['the most turns, opening the conversation', mostTurns, false],
    ['the most turns, after selectDestination', mostTurns, true],
    ['the most bytes, opening the conversation', mostBytes, false],
    ['the most bytes, after selectDestination', mostBytes, true],
  ])(
    'fits the conversation item with %s, on a channel with an agent platform',
    async (name, text, select) => {
      // Prepare
      const userId = `h-largest-${name.replaceAll(' ', '-')}`;
      const { api, channel, support } = await seedChannel(deps);
      await setAgentPlatform(deps, channel.channelId, 'http://127.0.0.1:9/platform');
      if (select)
        await client('POST', `${api}/selectDestination`, { userId, destinationId: support.destinationId });
      // Act
      const reply = await client('POST', `${api}/sendText`, { userId, text });
      // Assess
      expect(text).toHaveLength(32_000);
      expect(reply.status).toBe(200);
      const items = await transcriptItems(reply.body.conversationId);
      const turns = items.filter((item) => item.history);
      expect(turns.length).toBeLessThanOrEqual(MAX_HISTORY_ENTRIES);
      expect(turns.at(-1)?.text).toMatch(/^[ж語]+$/);
      expect(items.at(-1)?.text).toBe(text);
      const { Item } = await deps.db.doc.send(
        new GetCommand({
          TableName: deps.db.tableName,
          Key: keys.conversation(reply.body.conversationId),
        }),
      );
      expect(dynamoBytes(Item)).toBeLessThan(400 * 1024);
    },
  );
});

describe('a fault between the counter and the puts', () => {
  const crash = async () => {
    throw new Error('crashed between the conversation update and the entries');
  };

  it('a crash before any put: the turns are written from the item, and the client’s resend is one message', async () => {
    // Prepare
    const { api, conversationId } = await selected('h-crash');
    const put = deps.store.transcript.put;
    deps.store.transcript.put = crash;
    // Act
    const crashed = await client('POST', `${api}/sendText`, { userId: 'h-crash', text: history }).finally(
      () => {
        deps.store.transcript.put = put;
      },
    );
    // The gap filler comes by, as the deliverer does for a number nobody wrote.
    const taken = (await deps.store.conversations.get(conversationId))?.lastSeq ?? 0;
    for (let seq = 1; seq <= taken; seq++) {
      await deps.store.transcript.fillGap(conversationId, seq, new Date().toISOString());
    }
    const resent = await client('POST', `${api}/sendText`, { userId: 'h-crash', text: history });
    // Assess
    expect(crashed.status).toBe(500);
    expect(resent.status).toBe(200);
    expect(await storedTranscript(conversationId)).toEqual([
      'system:opened',
      ...turns,
      'gap',
      `client:${history}`,
    ]);
  });

  it('a conversation update that landed, then failed and was sent again by the SDK: turns and message once', async () => {
    // Prepare
    const { api, conversationId } = await selected('h-resent');
    // Act
    faults.landThenFail((request) => request.command === 'UpdateItem' && request.sk === 'META');
    const reply = await client('POST', `${api}/sendText`, { userId: 'h-resent', text: history });
    // Assess
    expect(faults.landed.length).toBeGreaterThan(0);
    expect(reply.status).toBe(200);
    const items = await transcriptItems(conversationId);
    expect(items.map((item) => item.seq)).toEqual(items.map((_item, i) => i + 1));
    expect(await storedTranscript(conversationId)).toEqual(['system:opened', ...turns, `client:${history}`]);
  });
});
