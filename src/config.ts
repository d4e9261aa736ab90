import { z } from 'zod';

const flag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');
const list = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);
const seconds = z.coerce.number().nonnegative();

/** Everything a deployment can tune, read from the environment (Lambda env vars or the local runtime). */
const configSchema = z.object({
  TABLE_NAME: z.string().min(1).default('operator-bridge'),
  DYNAMODB_ENDPOINT: z.string().url().optional(),
  AWS_REGION: z.string().default('us-east-1'),
  ALLOW_PRIVATE_WEBHOOKS: flag.default(false),
  WEBHOOK_ALLOWED_HOSTS: list.default([]),
  DEFAULT_AVATAR_URL: z.string().url().default('https://www.gravatar.com/avatar/?d=mp'),
  PRESENCE_TIMEOUT_SECONDS: seconds.default(120),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(256 * 1024),
  DELIVERY_SCHEDULE_SECONDS: list
    .pipe(z.array(z.string().transform(Number).pipe(z.number().nonnegative())))
    .default([0, 5, 30, 120, 600, 1800, 3600, 7200]),
  DELIVERY_MAX_AGE_SECONDS: seconds.default(24 * 3600),
  DELIVERY_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  DELIVERY_LEASE_SECONDS: seconds.default(60),
  /** How often the local runtime sweeps for due retries; in AWS a schedule runs the sweep. */
  DELIVERY_SWEEP_SECONDS: seconds.default(1),
  /**
   * Conversation data expires this many days after its last write (DynamoDB TTL); 0 keeps it. At
   * least 2 days, so that an event can never expire inside its 24-hour retry window.
   */
  RETENTION_DAYS: z.coerce
    .number()
    .refine((days) => days === 0 || days >= 2, 'must be 0 (keep) or at least 2')
    .default(0),
  /** The live-updates WebSocket that tickets point to (`wss://...`); locally derived from the request's host. */
  LIVE_URL: z.string().url().optional(),
  /** Where the notifier posts to connections: the WebSocket API's management (callback) URL. AWS only. */
  LIVE_MANAGEMENT_URL: z.string().url().optional(),
  /** How long a live-updates ticket may wait to be redeemed. */
  LIVE_TICKET_SECONDS: seconds.default(30),
  /** How long a connection record lives (its TTL); API Gateway ends a connection after 2 hours anyway. */
  LIVE_CONNECTION_SECONDS: seconds.default(2 * 3600),
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
