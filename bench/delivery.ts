import { request } from 'node:http';
import type { Wired } from '#deps';
import { ensureTable } from '#store/table.ts';
import type { Client } from '../test/support/clients.ts';
import { seedAgent, seedChannel } from '../test/support/clients.ts';
import { startWebhookReceiver } from '../test/support/webhook-receiver.ts';
import { type meterDynamoDb, replay, type SentRequest } from './dynamodb-meter.ts';
import { percentile, type Row, row, timed } from './stats.ts';

function post(url: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume().on('end', resolve);
    });
    req.on('error', reject).end(body);
  });
}

/**
 * Row 4, against the local runtime in this process (its delivery loop is the stream's stand-in):
 * agent send-message to webhook receipt, one event at a time; events per second across many
 * conversations, with their order checked; and items read per delivered event as one
 * conversation's backlog grows. The floor: the same DynamoDB requests, bare, plus a bare POST to
 * the same receiver.
 */
export async function deliveryRows(options: {
  deps: Wired;
  client: Client;
  meter: ReturnType<typeof meterDynamoDb>;
  events: number;
  conversations: number;
  perConversation: number;
  backlogs: number[];
}): Promise<{ rows: Row[]; latencyP50: number; recordedDelivery: SentRequest[] }> {
  const { deps, client, meter } = options;
  const arrivals = new Map<string, () => void>();
  const receiver = await startWebhookReceiver((received) => {
    arrivals.get(String(received.body?.text))?.();
    return 200;
  });
  const arrival = (text: string) => new Promise<void>((resolve) => arrivals.set(text, resolve));
  const rows: Row[] = [];
  try {
    const { api, support } = await seedChannel(deps);
    const { auth } = await seedAgent(deps, [support.destinationId]);
    await client('POST', `${api}/setWebhook`, { url: receiver.url('/latency') });
    const open = async (userId: string) => {
      const opened = await client('POST', `${api}/sendText`, { userId, text: 'hi' });
      const path = `/agent/conversations/${opened.body.conversationId}`;
      await client('POST', `${path}/accept`, undefined, auth);
      return path;
    };
    const send = async (path: string, text: string) => {
      const sent = await client('POST', `${path}/messages`, { text }, auth);
      if (sent.status !== 202) throw new Error(`send-message answered ${sent.status}`);
    };

    // Latency, one event at a time.
    const path = await open('latency');
    const deliverOne = async (text: string) => {
      const arrived = arrival(text);
      await send(path, text);
      await arrived;
    };
    for (let i = 0; i < 10; i++) await deliverOne(`warm-up ${i}`);
    // The write and the delivery recorded apart: the write with nothing delivering, then the
    // delivery the runtime's signal starts, until the deliverer's last writes after the POST.
    const signal = deps.outboxWritten;
    deps.outboxWritten = () => {};
    const writing = await meter.record(() => send(path, 'recorded'));
    deps.outboxWritten = signal;
    const recordedArrival = arrival('recorded');
    const delivering = await meter.record(async () => {
      signal(path.split('/').pop() ?? '');
      await recordedArrival;
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    // The floor's writes go to a table of their own: replaying a write that takes a number would leave
    // a gap in the measured conversation, which the deliverer then waits out.
    const floorTable = `${deps.db.tableName}-floor`;
    await ensureTable({ ...deps.db, tableName: floorTable });
    const floorBody = JSON.stringify({ id: 'x', userId: 'u', type: 'TextMessage', text: 'x' });
    // Interleaved, so that the machine's drift hits both alike.
    const latencies: number[] = [];
    const floors: number[] = [];
    for (let i = 0; i < options.events; i++) {
      latencies.push(await timed(() => deliverOne(`latency ${i}`)));
      floors.push(
        await timed(async () => {
          await replay(deps.db.doc, writing, floorTable);
          await replay(deps.db.doc, delivering, floorTable);
          await post(receiver.url('/floor'), floorBody);
        }),
      );
    }
    rows.push(
      row('delivery p50: send-message to webhook receipt', percentile(latencies, 50), 'ms', {
        floor: percentile(floors, 50),
      }),
      row('delivery p99: send-message to webhook receipt', percentile(latencies, 99), 'ms', {
        floor: percentile(floors, 99),
      }),
      row('DynamoDB requests per delivered event: the write', writing.length, 'requests'),
      row('DynamoDB requests per delivered event: the delivery', delivering.length, 'requests'),
    );

    // Throughput: many conversations at once, each in order.
    const paths = await Promise.all(Array.from({ length: options.conversations }, (_, c) => open(`tp-${c}`)));
    await client('POST', `${api}/setWebhook`, { url: receiver.url('/throughput') });
    const total = options.conversations * options.perConversation;
    const done = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (receiver.accepted().filter((r) => r.path === '/throughput').length >= total) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    const elapsed = await timed(async () => {
      await Promise.all(
        paths.map(async (conversationPath, c) => {
          for (let i = 0; i < options.perConversation; i++) await send(conversationPath, `tp ${c} ${i}`);
        }),
      );
      await done;
    });
    const byConversation = new Map<string, number[]>();
    for (const received of receiver.accepted().filter((r) => r.path === '/throughput')) {
      const [, c, i] = String(received.body.text).split(' ');
      byConversation.set(c ?? '', [...(byConversation.get(c ?? '') ?? []), Number(i)]);
    }
    const inOrder = [...byConversation.values()].every((seen) => seen.every((value, i) => value === i));
    rows.push(
      row(
        `delivery throughput: ${options.conversations} conversations × ${options.perConversation} events`,
        total / (elapsed / 1000),
        'events/s',
      ),
      row('delivered in order, per conversation (1 = yes)', inOrder ? 1 : 0, 'boolean', {
        target: '= 1',
        met: (value) => value === 1,
      }),
    );

    // Items read per delivered event as one conversation's backlog grows, written while the
    // channel has no webhook (they wait), then delivered at once when it gets one.
    const perEvent: number[] = [];
    const timedOut = new Map<number, number>();
    for (const backlog of options.backlogs) {
      const channel = await seedChannel(deps);
      const agentOfChannel = await seedAgent(deps, [channel.support.destinationId]);
      const opened = await client('POST', `${channel.api}/sendText`, { userId: 'backlog', text: 'hi' });
      const conversationPath = `/agent/conversations/${opened.body.conversationId}`;
      await client('POST', `${conversationPath}/accept`, undefined, agentOfChannel.auth);
      for (let i = 0; i < backlog; i++) {
        await client(
          'POST',
          `${conversationPath}/messages`,
          { text: `backlog ${backlog} ${i}` },
          agentOfChannel.auth,
        );
      }
      const target = `/backlog-${backlog}`;
      const before = meter.snapshot();
      const deadline = Date.now() + 180_000;
      await client('POST', `${channel.api}/setWebhook`, { url: receiver.url(target) });
      const delivered = () => receiver.accepted().filter((r) => r.path === target).length;
      while (delivered() < backlog && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      const itemsRead = meter.counts.itemsRead - before.itemsRead;
      perEvent.push(itemsRead / Math.max(1, delivered()));
      if (delivered() < backlog) timedOut.set(backlog, delivered());
    }
    // Flat: the largest backlog costs per event at most 1.5× what the smallest does.
    const flat = (perEvent.at(-1) ?? 0) <= 1.5 * (perEvent[0] ?? 0);
    options.backlogs.forEach((backlog, i) => {
      rows.push(
        row(
          `items read per delivered event, ${backlog} waiting in one conversation${
            timedOut.has(backlog) ? ` (only ${timedOut.get(backlog)} delivered in 3 minutes)` : ''
          }`,
          perEvent[i] ?? 0,
          'items',
          {
            target: 'flat (≤ 1.5× the smallest backlog)',
            met: () => flat && timedOut.size === 0,
          },
        ),
      );
    });
    return { rows, latencyP50: percentile(latencies, 50), recordedDelivery: delivering };
  } finally {
    await receiver.close();
  }
}
