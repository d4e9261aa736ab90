import * as z from '#domain/shared/zod.ts';

const flag = z.pipe(
  z.enum(['true', 'false', '1', '0']),
  z.transform((value) => value === 'true' || value === '1'),
);
const list = z.pipe(
  z.string(),
  z.transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ),
);
const seconds = z.coerce.number().check(z.nonnegative());

/** Everything a deployment can tune, read from the environment (Lambda env vars or the local runtime). */
const configSchema = z.object({
  TABLE_NAME: z._default(z.string().check(z.minLength(1)), 'operator-bridge'),
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  AWS_REGION: z._default(z.string(), 'us-east-1'),
  ALLOW_PRIVATE_WEBHOOKS: z._default(flag, false),
  WEBHOOK_ALLOWED_HOSTS: z._default(list, []),
  /**
   * Ports a webhook may never reach on a private or loopback address: the local runtime's own port and
   * its store's (set by the runtime itself), so that a channel cannot make the bridge post to them.
   */
  WEBHOOK_REFUSED_LOCAL_PORTS: z._default(
    z.pipe(list, z.array(z.pipe(z.pipe(z.string(), z.transform(Number)), z.number().check(z.int())))),
    [],
  ),
  DEFAULT_AVATAR_URL: z._default(z.url(), 'https://www.gravatar.com/avatar/?d=mp'),
  PRESENCE_TIMEOUT_SECONDS: z._default(seconds, 120),
  MAX_BODY_BYTES: z._default(z.coerce.number().check(z.int(), z.positive()), 256 * 1024),
  DELIVERY_SCHEDULE_SECONDS: z._default(
    z.pipe(list, z.array(z.pipe(z.pipe(z.string(), z.transform(Number)), z.number().check(z.nonnegative())))),
    [0, 5, 30, 120, 600, 1800, 3600, 7200],
  ),
  DELIVERY_MAX_AGE_SECONDS: z._default(seconds, 24 * 3600),
  DELIVERY_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.positive()), 10_000),
  /** How long past its time budget a deliverer's lease lasts; a crashed deliverer's lease runs out by itself. */
  DELIVERY_LEASE_SECONDS: z._default(seconds, 10),
  /** How often the local runtime sweeps for due retries; in AWS a schedule runs the sweep. */
  DELIVERY_SWEEP_SECONDS: z._default(seconds, 1),
  /**
   * Conversation data expires this many days after its last write (DynamoDB TTL); 0 keeps it. At
   * least 2 days, so that an event can never expire inside its 24-hour retry window.
   */
  RETENTION_DAYS: z._default(
    z.coerce.number().check(z.refine((days) => days === 0 || days >= 2, 'must be 0 (keep) or at least 2')),
    0,
  ),
  /** The live-updates WebSocket that tickets point to (`wss://...`); locally derived from the request's host. */
  LIVE_URL: z.optional(z.url()),
  /** Where the notifier posts to connections: the WebSocket API's management (callback) URL. AWS only. */
  LIVE_MANAGEMENT_URL: z.optional(z.url()),
  /** How long a live-updates ticket may wait to be redeemed. */
  LIVE_TICKET_SECONDS: z._default(seconds, 30),
  /** How long a connection record lives (its TTL); API Gateway ends a connection after 2 hours anyway. */
  LIVE_CONNECTION_SECONDS: z._default(seconds, 2 * 3600),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new Error(`Invalid configuration in environment: ${fields}`);
  }
  return parsed.data;
}

/**
 * `PUBLIC_URL`: the address DialogStudio and agents reach (a tunnel, a reverse proxy), as given, or
 * undefined when unset. The local runtime and the command-line tool both read it here; each checks it
 * with `isHttpUrl` and says so in its own way.
 */
export function publicUrlSetting(env: Record<string, string | undefined> = process.env): string | undefined {
  return env.PUBLIC_URL?.trim() || undefined;
}
