import type { LiveTicket } from '#api/live.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { agentEndpoint } from '#http/agent-endpoint.ts';
import type { HttpEvent } from '#http/endpoint.ts';
import { issueTicket } from '#live/tickets.ts';

/**
 * The deployment's WebSocket (LIVE_URL; the local runtime sets it from its base). Only a runtime started
 * on a random port (PORT=0, in tests), whose base is not known before it listens, names `/live` on the
 * host the caller used.
 */
function liveUrl(deps: Deps, event: HttpEvent): string {
  if (deps.config.LIVE_URL) return deps.config.LIVE_URL;
  const secure = event.headers['x-forwarded-proto'] === 'https';
  return `${secure ? 'wss' : 'ws'}://${event.headers.host ?? 'localhost'}/live`;
}

/** POST /agent/live/ticket: a short-lived, single-use ticket for the live-updates WebSocket at `url`. */
export const handler = agentEndpoint(
  undefined,
  async ({ deps, agent, event }): Promise<LiveTicket> => ({
    ...(await issueTicket(deps, agent)),
    url: liveUrl(deps, event),
  }),
);
