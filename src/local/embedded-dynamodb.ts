import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import dynalite from 'dynalite';
import dynaliteStore, { type LevelDatabase } from 'dynalite/db/index.js';

export interface EmbeddedDynamoDb {
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

const createStore = dynaliteStore.create;
dynaliteStore.create = (options) => {
  const store = createStore(options);
  closeIteratorsOf(store.db);
  return store;
};

/** dynalite on a random loopback port: persisted under `path`, or in memory without one. */
export async function startEmbeddedDynamoDb(path?: string): Promise<EmbeddedDynamoDb> {
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
