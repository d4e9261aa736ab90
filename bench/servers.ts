/**
 * The two HTTP servers of row 3, each run as its own process with its own in-memory dynalite, so
 * that they compare like for like: `runtime` is the local runtime (`startLocalStack`, every route,
 * the delivery loop); `floor` is a bare `node:http` server that answers every request by issuing the
 * DynamoDB requests of one recorded `sendText` call through the same kind of client. Each prints one
 * JSON line when it listens: its URL.
 *
 *   tsx bench/servers.ts runtime
 *   tsx bench/servers.ts floor < recorded-requests.json
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { replay, type SentRequest } from './dynamodb-meter.ts';

process.env.LOG_LEVEL = 'SILENT';
process.env.TABLE_NAME = 'operator-bridge-bench';
const root = resolve(import.meta.dirname, '..');
const kind = process.argv[2];

if (kind === 'runtime') {
  const { startLocalStack } = await import('#local/stack.ts');
  const stack = await startLocalStack({ port: 0, host: '127.0.0.1', root });
  // SIGUSR2: collect garbage (when started with --expose-gc), then report memory, one JSON line.
  process.on('SIGUSR2', () => {
    globalThis.gc?.();
    globalThis.gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    process.stdout.write(`${JSON.stringify({ rss, heapUsed })}\n`);
  });
  process.stdout.write(`${JSON.stringify({ url: stack.info.operatorApiUrl })}\n`);
} else if (kind === 'floor') {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const requests = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SentRequest[];
  const { startEmbeddedDynamoDb } = await import('#local/embedded-dynamodb.ts');
  const dynamo = await startEmbeddedDynamoDb();
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  const { defaultDeps } = await import('#deps');
  const { ensureTable } = await import('#store/table.ts');
  const { db } = defaultDeps();
  await ensureTable(db);
  const sameTable = requests.map((request) => ({
    ...request,
    input: { ...request.input, TableName: db.tableName },
  }));
  const server = createServer((request, response) => {
    request.resume().on('end', () => {
      replay(db.doc, sameTable).then(
        () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
        () => response.writeHead(500).end(),
      );
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}/floor` })}\n`);
  });
} else {
  throw new Error('usage: tsx bench/servers.ts runtime|floor');
}
