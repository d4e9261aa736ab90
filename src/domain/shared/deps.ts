import type { LiveSessions } from '#domain/live/ports.ts';
import type { BotPlatform } from '#domain/platform/ports.ts';
import type { Config } from '#domain/shared/config.ts';
import type { Store } from '#domain/shared/store.ts';

/**
 * What the domain needs from the outside world; built once per process and passed down. Storage is
 * reached only through the ports of `store`: the domain never sees a DynamoDB client.
 */
export interface Deps {
  store: Store;
  config: Config;
  now: () => Date;
  /** Told after an outbox entry is written. In AWS the table's stream does this job, so it is a no-op there. */
  outboxWritten: (conversationId: string) => void;
  /** Ends open live-updates sessions when an agent is revoked or gets a new token. */
  liveSessions: LiveSessions;
  /** The bot platform that hands conversations over, and the events it gets from agents (DialogStudio). */
  platform: BotPlatform;
  /**
   * Reports a failure of secondary work that must not fail the request it follows (an automatic reply
   * after the client's message is stored): logged with the request's id, never with its values.
   */
  reportError: (message: string, error: unknown) => void;
}
