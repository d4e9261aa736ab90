import type { SentRequest } from './dynamodb-meter.ts';
import { type Row, row } from './stats.ts';

/**
 * Public on-demand prices, us-east-1, as published by AWS (API Gateway, Lambda, DynamoDB and
 * CloudWatch pricing pages; DynamoDB after its November 2024 on-demand price cut). Checked through
 * secondary summaries of those pages on 2026-11-25, not live; docs/benchmarks.md names the sources.
 */
export const prices = {
  httpApiPerRequest: 1.0 / 1e6,
  lambdaPerRequest: 0.2 / 1e6,
  lambdaArmPerGbSecond: 0.0000133334,
  dynamoDbPerWriteUnit: 0.625 / 1e6,
  dynamoDbPerReadUnit: 0.125 / 1e6,
  /** Stream reads by a Lambda event source mapping are free; filtered-out records invoke nothing. */
  streamReadPerRequest: 0,
  logsPerByte: 0.5 / 1024 ** 3,
  alarmPerMonth: 0.1,
  customMetricPerMonth: 0.3,
};

const memoryGb = 256 / 1024;
/** What Lambda itself logs per invocation (START, END and REPORT lines). */
const platformLogBytes = 330;
/** What an HTTP API access-log line of the stack's format takes. */
const accessLogBytes = 250;

/** Write units of the recorded requests: 1 per KiB of item, once more for each index whose keys it writes. */
function writeUnits(requests: SentRequest[]): number {
  return requests
    .filter((request) => /^(Put|Update|Delete)/.test(request.commandName))
    .reduce((sum, request) => {
      const text = JSON.stringify(request.input);
      const indexes = (text.includes('gsi1pk') ? 1 : 0) + (text.includes('gsi2pk') ? 1 : 0);
      return sum + Math.max(1, Math.ceil(Buffer.byteLength(text) / 1024)) * (1 + indexes);
    }, 0);
}

/** Read units: eventually consistent reads of items under 4 KB, half a unit per 4 KB read (a conditional write's read is free). */
function readUnits(requests: SentRequest[]): number {
  return requests
    .filter((request) => /^(Get|Query)/.test(request.commandName))
    .reduce((sum, request) => {
      const consistent = request.input.ConsistentRead === true ? 1 : 0.5;
      return sum + Math.max(1, Math.ceil(((request.itemsRead ?? 1) * 1024) / 4096)) * consistent;
    }, 0);
}

export interface Invocation {
  /** Billed duration, ms. */
  ms: number;
  logBytes: number;
  requests: SentRequest[];
}

/** One invocation's cost by part, in dollars per million invocations. */
export function lambdaCostParts(invocation: Invocation) {
  const million = 1e6;
  return {
    lambdaRequest: prices.lambdaPerRequest * million,
    lambdaDuration: memoryGb * (Math.ceil(invocation.ms) / 1000) * prices.lambdaArmPerGbSecond * million,
    logs: (invocation.logBytes + platformLogBytes) * prices.logsPerByte * million,
    dynamoDbWrites: writeUnits(invocation.requests) * prices.dynamoDbPerWriteUnit * million,
    dynamoDbReads: readUnits(invocation.requests) * prices.dynamoDbPerReadUnit * million,
    writeUnits: writeUnits(invocation.requests),
    readUnits: readUnits(invocation.requests),
  };
}

export function lambdaCost(invocation: Invocation): number {
  const parts = lambdaCostParts(invocation);
  return (
    (parts.lambdaRequest + parts.lambdaDuration + parts.logs + parts.dynamoDbWrites + parts.dynamoDbReads) /
    1e6
  );
}

/**
 * Row 6, on paper: dollars per million client messages (HTTP API, the sendText function, its
 * DynamoDB work and logs) and per million agent messages (the same for send-message, plus one
 * stream-triggered delivery), and what an idle deployment costs a month beyond storage, from the
 * synthesized template (`idleCost`).
 */
export function costRows(options: {
  sendText: Invocation;
  sendMessage: Invocation;
  delivery: Invocation;
  idle: ReturnType<typeof idleCost>;
}): Row[] {
  const perMillion = 1e6;
  const http = prices.httpApiPerRequest + accessLogBytes * prices.logsPerByte;
  const client = (http + lambdaCost(options.sendText)) * perMillion;
  const agent = (http + lambdaCost(options.sendMessage) + lambdaCost(options.delivery)) * perMillion;
  const { idle } = options;
  const httpShare = (http * perMillion).toFixed(2);
  return [
    row(`cost per million client messages (HTTP API alone: $${httpShare})`, client, 'USD', {
      target: '≤ $3',
      met: (value) => value <= 3,
    }),
    row('cost per million agent messages, delivery included', agent, 'USD', {
      target: '≤ $3',
      met: (value) => value <= 3,
    }),
    row('idle per month: schedules (the one-minute sweep)', idle.scheduleCost, 'USD/month'),
    row(
      `idle per month: ${idle.alarms} alarms reading ${idle.alarmMetrics} metrics`,
      idle.alarmCost,
      'USD/month',
    ),
    row(
      `idle per month: ${idle.customMetrics} custom metrics published at rest`,
      idle.customMetricCost,
      'USD/month',
    ),
    row(
      'idle per month: SQS polling by Lambda (estimate, within the free tier)',
      idle.pollingCost,
      'USD/month',
    ),
    row('idle deployment per month beyond storage, from the template', idle.total, 'USD/month', {
      target: '≤ $1',
      met: (value) => value <= 1,
    }),
  ];
}

/**
 * The distinct custom metrics (namespace, name, dimensions) in a function's logs: the CloudWatch
 * embedded metric format lines the sweep writes (`publishCount`), each metric billed while it is published.
 */
export function publishedMetrics(logs: string): string[] {
  const metrics = new Set<string>();
  for (const line of logs.split('\n')) {
    if (!line.includes('"CloudWatchMetrics"')) continue;
    const emf = JSON.parse(line) as {
      _aws: {
        CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
      };
    } & Record<string, unknown>;
    for (const directive of emf._aws.CloudWatchMetrics) {
      for (const dimensions of directive.Dimensions) {
        const values = dimensions.map((name) => `${name}=${String(emf[name])}`).join(',');
        for (const metric of directive.Metrics)
          metrics.add(`${directive.Namespace}/${metric.Name} ${values}`);
      }
    }
  }
  return [...metrics].sort();
}

/** A synthesized CloudFormation template (`cdk.out/<stack>.template.json`), as far as idle cost reads it. */
export interface CfnTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

export interface AlarmMetric {
  Namespace: string;
  MetricName: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Period: number;
}

/** The metrics one `AWS::CloudWatch::Alarm` reads: its own metric, or each metric of its math expression. */
export function alarmMetrics(properties: Record<string, unknown>): AlarmMetric[] {
  if (typeof properties.MetricName === 'string') {
    return [
      {
        Namespace: properties.Namespace as string,
        MetricName: properties.MetricName,
        Dimensions: properties.Dimensions as AlarmMetric['Dimensions'],
        Period: properties.Period as number,
      },
    ];
  }
  const queries = (properties.Metrics ?? []) as {
    MetricStat?: { Metric: Omit<AlarmMetric, 'Period'>; Period: number };
  }[];
  return queries.flatMap((query) =>
    query.MetricStat ? [{ ...query.MetricStat.Metric, Period: query.MetricStat.Period }] : [],
  );
}

/** Invocations a month of a `rate(n unit)` schedule. */
function perMonth(schedule: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(schedule);
  if (!match) throw new Error(`Cannot price the schedule ${schedule}`);
  const minutes = { minute: 1, hour: 60, day: 1440 }[match[2]?.replace(/s$/, '') as 'minute'];
  return (30 * 24 * 60) / (Number(match[1]) * minutes);
}

/**
 * Lambda's pollers of an SQS event source mapping long-poll an empty queue (20 s waits). AWS does not
 * publish their number at rest; five is the figure its guidance gives for the start of scaling, so
 * this is an estimate. (They fall within SQS's free million requests a month, not counted here.)
 */
const idleSqsPollers = 5;
const sqsPerRequest = 0.4 / 1e6;

/** What an idle deployment of `template` costs a month beyond storage, by part (USD). */
export function idleCost(
  template: CfnTemplate,
  options: {
    /** A scheduled invocation's cost (USD), by the target function's logical id. */
    scheduledInvocation: (functionId: string) => number;
    /** Custom metrics the functions publish at rest (the sweep's, every minute). */
    customMetrics: number;
  },
) {
  const resources = Object.values(template.Resources);
  const of = (type: string) => resources.filter((resource) => resource.Type === type);
  const metrics = of('AWS::CloudWatch::Alarm').flatMap((alarm) => alarmMetrics(alarm.Properties ?? {}));
  // High-resolution alarms (periods under a minute) cost three times as much.
  const alarms = metrics.reduce(
    (sum, metric) => sum + prices.alarmPerMonth * (metric.Period < 60 ? 3 : 1),
    0,
  );
  const schedules = of('AWS::Events::Rule')
    .filter((rule) => typeof rule.Properties?.ScheduleExpression === 'string')
    .flatMap((rule) =>
      ((rule.Properties?.Targets ?? []) as { Arn: { 'Fn::GetAtt': [string, string] } }[]).map(
        (target) =>
          perMonth(rule.Properties?.ScheduleExpression as string) *
          options.scheduledInvocation(target.Arn['Fn::GetAtt'][0]),
      ),
    )
    .reduce((sum, cost) => sum + cost, 0);
  const sqsMappings = of('AWS::Lambda::EventSourceMapping').filter((mapping) =>
    JSON.stringify(mapping.Properties?.EventSourceArn).includes('Queue'),
  );
  const polling = sqsMappings.length * idleSqsPollers * 3 * 60 * 24 * 30 * sqsPerRequest;
  return {
    customMetrics: options.customMetrics,
    alarmMetrics: metrics.length,
    alarms: of('AWS::CloudWatch::Alarm').length,
    alarmCost: alarms,
    customMetricCost: options.customMetrics * prices.customMetricPerMonth,
    scheduleCost: schedules,
    pollingCost: polling,
    total: alarms + options.customMetrics * prices.customMetricPerMonth + schedules + polling,
  };
}
