import type { AgentApi, Presence } from '../api.ts';

/** After a failed presence change, how long until the console tries again while the agent wants to be online. */
const retrySeconds = 10;

/**
 * The agent's presence: online keeps the heartbeat going at the interval the API answers; away sends
 * nothing more. Only the answer to the latest change counts.
 */
export class PresenceKeeper {
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Counts changes, so that the answer to an older one schedules no heartbeat. */
  private changes = 0;
  /** The presence the API last confirmed: a change of it may change what DialogStudio sees. */
  private confirmed: boolean | undefined;
  private stopped = false;

  constructor(
    private readonly api: Pick<AgentApi, 'setPresence'>,
    private readonly on: {
      confirmed(presence: Presence, turned: boolean): void;
      failed(error: unknown): void;
    },
  ) {}

  async set(online: boolean): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const change = ++this.changes;
    try {
      const presence = await this.api.setPresence(online);
      if (change !== this.changes) return;
      const turned = presence.online !== this.confirmed;
      this.confirmed = presence.online;
      this.on.confirmed(presence, turned);
      if (presence.online && !this.stopped) this.later(presence.heartbeatSeconds);
    } catch (error) {
      if (change !== this.changes) return;
      this.on.failed(error);
      if (online && !this.stopped) this.later(retrySeconds);
    }
  }

  /** No heartbeat from now on: the console is going away. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private later(seconds: number) {
    this.timer = setTimeout(() => void this.set(true), seconds * 1000);
  }
}
