declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
  }
  export default function dynalite(options?: DynaliteOptions): Server;
}

/** dynalite's store factory, which `dynalite()` calls through this module object. */
declare module 'dynalite/db/index.js' {
  import type { Readable } from 'node:stream';

  /** The part of the level database (abstract-level) that dynalite streams from. */
  export interface LevelDatabase {
    values(options?: object): AsyncIterable<unknown>;
    keys(options?: object): AsyncIterable<unknown>;
    createValueStream(options?: object): Readable;
    createKeyStream(options?: object): Readable;
  }
  const store: { create(options: object): { db: LevelDatabase } };
  export default store;
}
