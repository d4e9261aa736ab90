import { type Config, loadConfig } from '#config';
import { outboxSignals } from '#delivery/signals.ts';
import type { LiveSessions } from '#domain/live/ports.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { localLiveSessions } from '#live/sessions.ts';
import { dynamoStore } from '#store/store.ts';
import { createDb, type Db, ensureTable } from '#store/table.ts';

/**
 * The domain's dependencies and the table they were built on. Only the process's edges use `db`
 * itself: creating the table, the local runtime's change feed, and retention until it has its port.
 */
export type Wired = Deps & { db: Db };

/** The one composition root: Deps over a given client (the simulation passes one that injects faults). */
export function buildDeps(parts: {
  db: Db;
  config: Config;
  now?: () => Date;
  /** How revoke and rotate-token close sockets; the command-line tool passes the management API's. */
  liveSessions?: LiveSessions;
}): Wired {
  const { db, config } = parts;
  return {
    config,
    db,
    store: dynamoStore(db),
    now: parts.now ?? (() => new Date()),
    outboxWritten: (conversationId) => outboxSignals.emit('conversation', conversationId),
    liveSessions: parts.liveSessions ?? localLiveSessions,
  };
}

/** Deps on the table the settings name (TABLE_NAME, DYNAMODB_ENDPOINT): the Lambdas and the command-line tool. */
export function depsFromConfig(config: Config, parts: { liveSessions?: LiveSessions } = {}): Wired {
  return buildDeps({ db: createDb(config), config, ...parts });
}

/** Creates the table when it is missing: an embedded store starts empty. */
export function ensureTableOf(wired: Wired): Promise<void> {
  return ensureTable(wired.db);
}

let built: Wired | undefined;

/** The process-wide dependencies, built on first use from the environment (Lambda or local runtime). */
export function defaultDeps(): Wired {
  if (!built) {
    built = depsFromConfig(loadConfig());
  }
  return built;
}
