import type { DynamoDBRecord } from 'aws-lambda';
import { type Config, loadConfig } from '#config';
import { outboxSignals } from '#delivery/signals.ts';
import type { ConversationChange } from '#domain/conversations/changes.ts';
import type { LiveSessions } from '#domain/live/ports.ts';
import { dialogStudio } from '#domain/platform/dialogstudio/platform.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { localLiveSessions } from '#live/sessions.ts';
import { failureForLog, logger } from '#logger';
import { startChangeFeed } from '#store/change-feed.ts';
import { changesOfStreamRecord } from '#store/changes.ts';
import { dynamoStore } from '#store/store.ts';
import { createDb, type Db, ensureTable } from '#store/table.ts';

/**
 * The domain's dependencies and the table they were built on. Only the process's edges use `db` itself,
 * through the functions below: creating the table, reading its changes, the command-line tool, tests.
 * Each is a function of its own rather than a member of `Wired`, so a Lambda's bundle carries only
 * those it calls (the change decoder and the table's creation are 10 KiB a function that never uses them).
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
    platform: dialogStudio(config),
    reportError: (message, error) => logger.error(message, { ...failureForLog(error) }),
  };
}

/** Deps on the table the settings name (TABLE_NAME, DYNAMODB_ENDPOINT): the Lambdas and the command-line tool. */
export function depsFromConfig(config: Config, parts: { liveSessions?: LiveSessions } = {}): Wired {
  return buildDeps({ db: createDb(config), config, ...parts });
}

/** What a record of the table's stream means to the domain (none for a record of no interest). */
export function changesOfRecord(record: DynamoDBRecord): ConversationChange[] {
  return changesOfStreamRecord(record);
}

/** The local runtime's stand-in for the stream: `consume` gets the changes of this process's writes, in order. */
export function followChanges(
  wired: Wired,
  consume: (changes: ConversationChange[]) => Promise<unknown>,
): { stop(): Promise<void> } {
  return startChangeFeed(wired.db, consume);
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
