import type { Node } from 'constructs';
import { z } from 'zod';
import { observability } from '#observability';

/** A list given as a JSON array (cdk.json) or as a comma-separated string (`-c key=a,b`). */
const list = z
  .union([z.array(z.union([z.string(), z.number()])), z.string()])
  .transform((value) =>
    (Array.isArray(value) ? value : value.split(',')).map((item) => String(item).trim()).filter(Boolean),
  );
/** A flag given as a JSON boolean (cdk.json) or as a string (`-c key=false`). */
const flag = z.union([z.boolean(), z.enum(['true', 'false'])]).transform((value) => String(value) === 'true');
const positiveInteger = z.coerce.number().int().positive();
/**
 * A web origin (`https://app.example.com`), with nothing after the host and port. Only https: a page
 * served over http can be altered on its way, and CORS would hand it the agent's answers.
 */
const origin = z
  .url()
  .refine((value) => new URL(value).protocol === 'https:', 'must be an https origin')
  .refine((value) => new URL(value).origin === value.replace(/\/$/, ''), 'must be an origin, with no path')
  .transform((value) => new URL(value).origin);

/**
 * What a user can tune per deployment, through CDK context (`cdk.json` or `-c key=value`) or stack
 * props. Unset values fall back to the defaults in `src/domain/shared/config.ts`, so they are not repeated here.
 */
const deploymentSettingsSchema = z.object({
  /**
   * Origins of agent web apps, served elsewhere, that call the Agent API from a browser (CORS); none by
   * default. The built-in console is served on the API's own origin and needs none.
   */
  agentAppOrigins: list.pipe(z.array(origin)).optional(),
  /** Hosts a channel's webhook may point to (`*.example.com` allowed); any public host when unset. */
  webhookAllowedHosts: list.optional(),
  /** Days after its last write that conversation data expires (the table's TTL); `0` or unset keeps it. */
  retentionDays: z.coerce
    .number()
    .int()
    .refine((days) => days === 0 || days >= 2, 'must be 0 (keep) or at least 2, beyond the retry window')
    .optional(),
  /** Seconds between delivery attempts of one event, e.g. `0,5,30,120`. */
  deliveryScheduleSeconds: list
    .pipe(z.array(z.string().transform(Number).pipe(z.number().nonnegative())))
    .optional(),
  /** The avatar DialogStudio shows for agents without one. */
  defaultAvatarUrl: z.url().optional(),
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).optional(),
  /** Keep the table (deletion protection, RETAIN) when the stack is deleted; `false` for throwaway stacks. */
  retainData: flag.default(true),
  /** Where alarm notifications go; subscribe later to the `AlarmTopicArn` output when unset. */
  alarmEmail: z.email().optional(),
  /**
   * Steady-state requests per second, and the burst above it, that API Gateway allows on EACH route
   * (the stage's default route throttling). HTTP APIs have no limit across routes and no usage plans:
   * the whole API is bounded only by the account's regional API Gateway quota, shared by all its APIs.
   */
  throttleRateLimit: positiveInteger.default(50),
  throttleBurstLimit: positiveInteger.default(100),
  /**
   * The Operator API routes' own limit, sized for DialogStudio (one call per client message, transfer
   * and close of every conversation of every bot on the channel), above the Agent API's default.
   */
  operatorThrottleRateLimit: positiveInteger.default(200),
  operatorThrottleBurstLimit: positiveInteger.default(400),
  /**
   * A CloudFront distribution with an AWS WAF web ACL in front of the HTTP API, whose rate-based rule
   * blocks an IP address that sends more than `wafRateLimit` requests in 5 minutes, before API Gateway
   * counts them against any route's throttle. The web ACL lives in its own stack in us-east-1 (CloudFront
   * only takes one from there), so the deploy needs a known account and region.
   */
  waf: flag.default(false),
  wafRateLimit: z.coerce.number().int().min(10).max(2_000_000_000).default(1000),
  /** `sam local` only: the embedded store the functions talk to instead of DynamoDB. */
  localDynamoDbEndpoint: z.url().optional(),
});

export type DeploymentSettings = z.output<typeof deploymentSettingsSchema>;
export type DeploymentSettingsInput = z.input<typeof deploymentSettingsSchema>;

export function parseDeploymentSettings(input: DeploymentSettingsInput): DeploymentSettings {
  const parsed = deploymentSettingsSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid deployment settings (CDK context): ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** Reads every setting from the CDK context of `node` (the app). */
export function deploymentSettingsFromContext(node: Node): DeploymentSettings {
  const keys = Object.keys(deploymentSettingsSchema.shape);
  return parseDeploymentSettings(Object.fromEntries(keys.map((key) => [key, node.tryGetContext(key)])));
}

/**
 * The environment every function reads (see `src/domain/shared/config.ts`): only what the user configured, plus what
 * AWS needs to differ from the local runtime. TABLE_NAME is added by the stack.
 */
export function functionEnvironment(settings: DeploymentSettings): Record<string, string> {
  const configured: Record<string, string | undefined> = {
    // The local runtime allows private webhooks so that tests can use 127.0.0.1; AWS never does.
    ALLOW_PRIVATE_WEBHOOKS: 'false',
    POWERTOOLS_SERVICE_NAME: observability.serviceName,
    POWERTOOLS_METRICS_NAMESPACE: observability.metricsNamespace,
    WEBHOOK_ALLOWED_HOSTS: settings.webhookAllowedHosts?.join(','),
    RETENTION_DAYS: settings.retentionDays?.toString(),
    DELIVERY_SCHEDULE_SECONDS: settings.deliveryScheduleSeconds?.join(','),
    DEFAULT_AVATAR_URL: settings.defaultAvatarUrl,
    LOG_LEVEL: settings.logLevel,
    DYNAMODB_ENDPOINT: settings.localDynamoDbEndpoint,
  };
  return Object.fromEntries(
    Object.entries(configured).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
