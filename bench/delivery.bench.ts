/**
 * `npm run bench`: what the outbox and the delivery engine cost, as ratios against floors measured in
 * the same run on the same machine: a bare DynamoDB put (the least an outbox write can cost) and a bare
 * HTTP POST on loopback (the least a delivery can cost). No thresholds: the numbers are for reading.
 */
import { request } from 'node:http';
import { PutCommand } from '@aws-sdk/lib-dynamodb';

const events = Number(process.env.BENCH_EVENTS ?? 300);
// Before the modules below load: the logger reads its level once.
process.env.LOG_LEVEL = 'SILENT';
process.env.TABLE_NAME = 'operator-bridge-bench';
const { sendAgentMessage } = await import('#domain/agent.ts');
const { startLocalStack } = await import('#local/stack.ts');
const { agentsStore } = await import('#store/config-records.ts');
const { httpClient, root, seedAgent, seedChannel } = await import('../test/support/clients.ts');
const { eventually, startWebhookReceiver } = await import('../test/support/webhook-receiver.ts');

function post(url: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume().on('end', resolve);
    });
    req.on('error', reject).end(body);
  });
}

async function timed(work: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

const receiver = await startWebhookReceiver();
const stack = await startLocalStack({ port: 0, host: '127.0.0.1', root });
const { deps } = stack;
const client = httpClient(stack.baseUrl);
const body = JSON.stringify({ id: 'x', userId: 'u', type: 'TextMessage', text: 'hello', employee: {} });

const putFloor = await timed(async () => {
  for (let i = 0; i < events; i++) {
    await deps.db.doc.send(
      new PutCommand({ TableName: deps.db.tableName, Item: { pk: `BENCH#${i}`, sk: 'X', body } }),
    );
  }
});
const postFloor = await timed(async () => {
  for (let i = 0; i < events; i++) await post(receiver.url('/floor'), body);
});

const { api, support } = await seedChannel(deps);
await client('POST', `${api}/setWebhook`, { url: receiver.url('/bench') });
const opened = await client('POST', `${api}/sendText`, { userId: 'bench', text: 'hi' });
const { agent: summary, auth } = await seedAgent(deps, [support.destinationId]);
await client('POST', `/agent/conversations/${opened.body.conversationId}/accept`, undefined, auth);
const agent = await agentsStore.get(deps.db, summary.employeeId);
if (!agent) throw new Error('agent missing');

const heapBefore = process.memoryUsage().heapUsed;
let writesDone = 0;
const endToEnd = await timed(async () => {
  const writes = await timed(async () => {
    for (let i = 0; i < events; i++) {
      await sendAgentMessage(deps, agent, opened.body.conversationId, { text: `message ${i}` }, undefined);
    }
  });
  writesDone = writes;
  await eventually(
    () => receiver.accepted().filter((r) => r.path === '/bench').length,
    (count) => count === events,
    120_000,
  );
});
const heapAfter = process.memoryUsage().heapUsed;

const perEvent = (ms: number) => `${(ms / events).toFixed(2)} ms`;
console.log(`Operator Bridge delivery benchmark, ${events} events in one conversation (dynalite, loopback)`);
console.table({
  'floor: DynamoDB put': { perEvent: perEvent(putFloor), ratio: '1.0' },
  'outbox write (sendAgentMessage)': {
    perEvent: perEvent(writesDone),
    ratio: (writesDone / putFloor).toFixed(1),
  },
  'floor: HTTP POST': { perEvent: perEvent(postFloor), ratio: '1.0' },
  'write to delivered, end to end': {
    perEvent: perEvent(endToEnd),
    ratio: (endToEnd / (putFloor + postFloor)).toFixed(1),
  },
});
console.log(`heap growth over the run: ${((heapAfter - heapBefore) / 1024 / 1024).toFixed(1)} MiB`);
const order = receiver
  .accepted()
  .filter((r) => r.path === '/bench')
  .map((r) => r.body.text);
console.log(`delivered in order: ${order.every((text, i) => text === `message ${i}`)}`);

await stack.close();
await receiver.close();
