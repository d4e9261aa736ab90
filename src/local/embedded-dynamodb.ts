import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import dynalite from 'dynalite';
import dynaliteStore, { type LevelDatabase } from 'dynalite/db/index.js';

export interface EmbeddedDynamoDb {
  /** The URL to give the AWS SDK as its endpoint; it is the credential too (see `startEmbeddedDynamoDb`). */
  endpoint: string;
  close: () => Promise<void>;
}

/**
 * dynalite 4.0.0 reads Query and Scan results through streams over level iterators, and ends those
 * iterators with `iterator.return()`, which abstract-level iterators do not have (they have `close()`).
 * So every Query and Scan left its iterator open and attached to the database, with the snapshot it
 * holds, for the life of the process: about 2 KB of heap per request, more in RSS. These streams
 * iterate with `for await`, which closes the iterator at the end, and close it when destroyed early
 * (a Limit, a 1 MB page). Applied to every store that dynalite creates in this process.
 */
function closeIteratorsOf(db: LevelDatabase) {
  db.createValueStream = (options) => Readable.from(db.values(options));
  db.createKeyStream = (options) => Readable.from(db.keys(options));
}

/** The store dynalite created last: `startEmbeddedDynamoDb` repairs it before it answers anyone. */
let created: { db: LevelDatabase } | undefined;

const createStore = dynaliteStore.create;
dynaliteStore.create = (options) => {
  const store = createStore(options);
  closeIteratorsOf(store.db);
  created = store;
  return store;
};

/** The first key after every key that starts with `prefix` (dynalite's prefixes end in `~`, names never hold one). */
function rangeOf(prefix: string) {
  return { gte: prefix, lt: `${prefix.slice(0, -1)}\u007f` };
}

/**
 * Rebuilds every secondary index of a persisted store from its items. dynalite writes an item's index
 * entries and then the item itself, as separate writes: a process killed between them (`kill -9`, an
 * out-of-memory kill, a power cut) leaves the item with no index entry, or an entry that names a key
 * the item no longer has, for good. On the outbox index that strands a conversation's pending events
 * where no sweep finds them. DynamoDB keeps its indexes itself; here each start makes them whole again,
 * before the store answers its first request. Key layout as dynalite 4 writes it: `table~{name}`,
 * `item-{table}~{key}`, `index-{global|local}~{table}~{index}~{key}`.
 */
async function rebuildIndexes(db: LevelDatabase): Promise<void> {
  for await (const [, table] of db.iterator(rangeOf('table~'))) {
    const kinds = [
      ['global', table.GlobalSecondaryIndexes ?? []],
      ['local', table.LocalSecondaryIndexes ?? []],
    ] as const;
    for (const [kind, indexes] of kinds) {
      if (indexes.length === 0) continue;
      const prefixOf = (index: string) => `index-${kind}~${table.TableName}~${index}~`;
      for (const index of indexes) await db.clear(rangeOf(prefixOf(index.IndexName)));
      let batch: { type: 'put'; key: string; value: unknown }[] = [];
      for await (const [, item] of db.iterator(rangeOf(`item-${table.TableName}~`))) {
        for (const put of dynaliteStore.getIndexActions(indexes, undefined, item, table).puts) {
          batch.push({ type: 'put', key: `${prefixOf(put.index)}${put.key}`, value: put.item });
        }
        if (batch.length >= 500) {
          await db.batch(batch);
          batch = [];
        }
      }
      await db.batch(batch);
    }
  }
}

/**
 * Lets a request through to dynalite only if it comes from a program that read the run's store URL (in
 * the 0600 `local-stack.json`, or this process's own environment): its path must start with the run's
 * secret. A web page is refused whatever it knows: any request with an `Origin` header (every browser
 * POST, every preflight) answers 403 before dynalite sees it, so dynalite never sends its CORS headers.
 */
function guard(secret: string, dynaliteListener: RequestListener): RequestListener {
  const expected = Buffer.from(`/${secret}`);
  const refuse = (response: ServerResponse, message: string) => {
    response.writeHead(403, { 'content-type': 'application/x-amz-json-1.0' });
    response.end(JSON.stringify({ __type: 'com.amazon.coral.service#AccessDeniedException', message }));
  };
  return (request: IncomingMessage, response: ServerResponse) => {
    if (request.headers.origin !== undefined) {
      refuse(response, 'The embedded store answers no web page');
      return;
    }
    const prefix = Buffer.from((request.url ?? '').split(/(?=[/?])/, 2)[0] ?? '');
    if (prefix.length !== expected.length || !timingSafeEqual(prefix, expected)) {
      refuse(response, "The embedded store answers only this run's runtime and command-line tool");
      return;
    }
    dynaliteListener(request, response);
  };
}

/**
 * dynalite on a random loopback port: persisted under `path`, or in memory without one. Its `endpoint`
 * carries a random secret of this run (128 bits) in its path, and the store refuses any request without
 * it: the URL is the credential, so whoever is given it (the runtime, the command-line tool through
 * `local-stack.json`, a Lambda bundle through its endpoint variable) reaches the store, and nobody else.
 */
export async function startEmbeddedDynamoDb(path?: string): Promise<EmbeddedDynamoDb> {
  created = undefined;
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const store = created as { db: LevelDatabase } | undefined;
  if (!store) throw new Error('dynalite created its server without a store');
  if (path) await rebuildIndexes(store.db);
  const [dynaliteListener] = server.listeners('request') as RequestListener[];
  if (!dynaliteListener) throw new Error('dynalite created its server without a request listener');
  const secret = randomBytes(16).toString('base64url');
  server.removeAllListeners('request');
  server.on('request', guard(secret, dynaliteListener));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/${secret}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
