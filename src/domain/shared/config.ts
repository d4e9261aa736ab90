/**
 * Everything a deployment can tune, read from the environment (Lambda env vars or the local runtime).
 * Parsed by hand rather than with zod: every function loads it, and the delivery functions need nothing
 * else of zod, so this keeps about 28 KiB of zod out of their bundles (docs/benchmarks.md, bundle sizes).
 * Each setting is its parser and its default; an unset or empty variable takes the default.
 */

type Env = Record<string, string | undefined>;

/** A parser answers the value, or undefined when the text is not one. */
type Parser<T> = (text: string) => T | undefined;

const text: Parser<string> = (value) => value;

const nonEmpty: Parser<string> = (value) => (value.length > 0 ? value : undefined);

function number(check: (value: number) => boolean): Parser<number> {
  return (value) => {
    const parsed = Number(value.trim());
    return value.trim() !== '' && Number.isFinite(parsed) && check(parsed) ? parsed : undefined;
  };
}

const seconds = number((value) => value >= 0);
const positiveInt = number((value) => Number.isInteger(value) && value > 0);

const flag: Parser<boolean> = (value) =>
  ({ true: true, '1': true, false: false, '0': false })[value as 'true' | '1' | 'false' | '0'];

const url: Parser<string> = (value) => (URL.canParse(value) ? value : undefined);

/** A comma-separated list, blanks left out; every item must parse. */
function list<T>(item: Parser<T>): Parser<T[]> {
  return (value) => {
    const items = value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .map(item);
    return items.every((parsed) => parsed !== undefined) ? (items as T[]) : undefined;
  };
}

interface Setting<T> {
  parse: Parser<T>;
  /** The value when the variable is unset; none means the setting is optional. */
  fallback?: T;
}

const setting = <T>(parse: Parser<T>, fallback: T): Setting<T> & { fallback: T } => ({ parse, fallback });
const optional = <T>(parse: Parser<T>): Setting<T> => ({ parse });

const settings = {
  TABLE_NAME: setting(nonEmpty, 'operator-bridge'),
  DYNAMODB_ENDPOINT: optional(url),
  AWS_REGION: setting(text, 'us-east-1'),
  ALLOW_PRIVATE_WEBHOOKS: setting(flag, false),
  WEBHOOK_ALLOWED_HOSTS: setting(list(text), []),
  /**
   * Ports a webhook may never reach on a private or loopback address: the local runtime's own port and
   * its store's (set by the runtime itself), so that a channel cannot make the bridge post to them.
   */
  WEBHOOK_REFUSED_LOCAL_PORTS: setting(list(number(Number.isInteger)), []),
  DEFAULT_AVATAR_URL: setting(url, 'https://www.gravatar.com/avatar/?d=mp'),
  PRESENCE_TIMEOUT_SECONDS: setting(seconds, 120),
  MAX_BODY_BYTES: setting(positiveInt, 256 * 1024),
  DELIVERY_SCHEDULE_SECONDS: setting(list(seconds), [0, 5, 30, 120, 600, 1800, 3600, 7200]),
  DELIVERY_MAX_AGE_SECONDS: setting(seconds, 24 * 3600),
  DELIVERY_TIMEOUT_MS: setting(positiveInt, 10_000),
  /** How long past its time budget a deliverer's lease lasts; a crashed deliverer's lease runs out by itself. */
  DELIVERY_LEASE_SECONDS: setting(seconds, 10),
  /** How often the local runtime sweeps for due retries; in AWS a schedule runs the sweep. */
  DELIVERY_SWEEP_SECONDS: setting(seconds, 1),
  /**
   * Conversation data expires this many days after its last write (DynamoDB TTL); 0 keeps it. At
   * least 2 days, so that an event can never expire inside its 24-hour retry window.
   */
  RETENTION_DAYS: setting(
    number((days) => days === 0 || days >= 2),
    0,
  ),
  /** The live-updates WebSocket that tickets point to (`wss://...`); locally derived from the request's host. */
  LIVE_URL: optional(url),
  /** Where the notifier posts to connections: the WebSocket API's management (callback) URL. AWS only. */
  LIVE_MANAGEMENT_URL: optional(url),
  /** How long a live-updates ticket may wait to be redeemed. */
  LIVE_TICKET_SECONDS: setting(seconds, 30),
  /** How long a connection record lives (its TTL); API Gateway ends a connection after 2 hours anyway. */
  LIVE_CONNECTION_SECONDS: setting(seconds, 2 * 3600),
};

type Settings = typeof settings;

type ValueOf<S> = S extends Setting<infer T> ? T : never;

/** Each setting's value: always there when it has a default, else possibly undefined. */
export type Config = {
  [K in keyof Settings]: Settings[K] extends { fallback: unknown }
    ? ValueOf<Settings[K]>
    : ValueOf<Settings[K]> | undefined;
};

/** The configuration from `env`; throws naming every variable that is set but not valid (never its value). */
export function loadConfig(env: Env = process.env): Config {
  const config: Record<string, unknown> = {};
  const invalid: string[] = [];
  for (const [name, { parse, fallback }] of Object.entries(settings) as [string, Setting<unknown>][]) {
    const value = env[name];
    if (value === undefined || value === '') {
      if (fallback !== undefined) config[name] = fallback;
      continue;
    }
    const parsed = parse(value);
    if (parsed === undefined) invalid.push(name);
    else config[name] = parsed;
  }
  if (invalid.length > 0) throw new Error(`Invalid configuration in environment: ${invalid.join(', ')}`);
  return config as Config;
}

/**
 * `PUBLIC_URL`: the address DialogStudio and agents reach (a tunnel, a reverse proxy), as given, or
 * undefined when unset. The local runtime and the command-line tool both read it here; each checks it
 * with `isHttpUrl` and says so in its own way.
 */
export function publicUrlSetting(env: Record<string, string | undefined> = process.env): string | undefined {
  return env.PUBLIC_URL?.trim() || undefined;
}
