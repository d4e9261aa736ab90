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

  /** A key range of the level database. */
  interface Range {
    gte?: string;
    lt?: string;
  }

  /** A secondary index as dynalite keeps it in a table's description. */
  interface SecondaryIndex {
    IndexName: string;
  }

  /** A table's description as dynalite stores it (`table~{name}`). */
  interface TableDescription {
    TableName: string;
    GlobalSecondaryIndexes?: SecondaryIndex[];
    LocalSecondaryIndexes?: SecondaryIndex[];
  }

  /** The part of the level database (abstract-level, JSON values) that dynalite streams from and the repair uses. */
  export interface LevelDatabase {
    values(options?: object): AsyncIterable<unknown>;
    keys(options?: object): AsyncIterable<unknown>;
    // biome-ignore lint/suspicious/noExplicitAny: a table description or a stored item, by the key range read
    iterator(options?: Range): AsyncIterable<[string, any]>;
    clear(options?: Range): Promise<void>;
    batch(operations: { type: 'put'; key: string; value: unknown }[]): Promise<void>;
    createValueStream(options?: object): Readable;
    createKeyStream(options?: object): Readable;
  }
  const store: {
    create(options: object): { db: LevelDatabase };
    /** The index entries an item has (`puts`) and those it no longer has (`deletes`). */
    getIndexActions(
      indexes: SecondaryIndex[],
      existingItem: object | undefined,
      item: object,
      table: TableDescription,
    ): { puts: { index: string; key: string; item: object }[]; deletes: { index: string; key: string }[] };
  };
  export default store;
}
