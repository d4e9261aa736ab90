import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { matchRoute } from '#api/routes.ts';
import type { Wired } from '#deps';
import { type meterDynamoDb, replay, roundTrips, type SentRequest } from './dynamodb-meter.ts';
import { percentile, type Row, row, timed } from './stats.ts';

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export interface WarmCase {
  name: string;
  /** The i-th call's event. */
  event: (i: number) => APIGatewayProxyEventV2;
  status: number;
}

async function handlerOf(root: string, event: APIGatewayProxyEventV2): Promise<Handler> {
  const match = matchRoute(event.requestContext.http.method, event.rawPath);
  if (match.kind !== 'route') throw new Error(`no route for ${event.rawPath}`);
  return (await import(pathToFileURL(`${root}/${match.route.entry}`).href)).handler as Handler;
}

/**
 * Row 2: the handlers called in this process as Lambda calls them, against dynalite, one call after
 * the other: p50 and p99, DynamoDB requests per call, and as the floor the same requests (recorded
 * from one call) sent bare through the same client, a quarter as many times.
 */
export async function warmRows(options: {
  root: string;
  deps: Wired;
  meter: ReturnType<typeof meterDynamoDb>;
  cases: WarmCase[];
  calls: number;
  progress?: (what: string) => void;
}): Promise<{ rows: Row[]; recorded: Map<string, SentRequest[]> }> {
  const rows: Row[] = [];
  const recorded = new Map<string, SentRequest[]>();
  const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 10_000 } as Context;
  for (const testCase of options.cases) {
    options.progress?.(`row 2: ${testCase.name}, ${options.calls} calls`);
    const handler = await handlerOf(options.root, testCase.event(0));
    const events = Array.from({ length: options.calls + 25 }, (_, i) => testCase.event(i));
    const call = async (event: APIGatewayProxyEventV2) => {
      const result = await handler(event, context);
      if (result.statusCode !== testCase.status) {
        throw new Error(`${testCase.name} answered ${result.statusCode}: ${result.body}`);
      }
    };
    for (const event of events.slice(0, 20)) await call(event);
    const requests = await options.meter.record(() => call(events[20] as APIGatewayProxyEventV2));
    recorded.set(testCase.name, requests);
    // Interleaved, so that the machine's drift hits both alike; the floor after every fourth call.
    const durations: number[] = [];
    const floors: number[] = [];
    for (const [i, event] of events.slice(25).entries()) {
      durations.push(await timed(() => call(event)));
      if (i % 4 === 0) floors.push(await timed(() => replay(options.deps.db.doc, requests)));
    }
    const p50 = percentile(durations, 50);
    rows.push(
      row(`warm p50: ${testCase.name}`, p50, 'ms', {
        floor: percentile(floors, 50),
        target: '≤ 1.3× floor',
        met: (_value, ratio) => ratio !== null && ratio <= 1.3,
      }),
      row(`warm p99: ${testCase.name}`, percentile(durations, 99), 'ms', { floor: percentile(floors, 99) }),
      row(`DynamoDB requests per call: ${testCase.name}`, requests.length, 'requests'),
      row(
        `DynamoDB round trips per call, one after the other: ${testCase.name}`,
        roundTrips(requests),
        'round trips',
      ),
    );
  }
  return { rows, recorded };
}
