import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryFunctions, fallbackRoute, liveNotifier, liveRoutes, routes } from '#api/routes.ts';
import { publishedMetrics } from '../../bench/cost.ts';
import { stackName } from '../../lib/app.ts';
import {
  type FunctionBundle,
  formatBundleReport,
  functionBundles,
  offlineEnvironment,
  synthesizeOffline,
} from '../../scripts/bundle-report.ts';
import { type BundleRun, invokeBundle, lambdaEnvironment } from '../../scripts/function-bundles.ts';
import { prepareBundleEvents } from '../support/bundle-events.ts';
import { inProcessClient as client } from '../support/clients.ts';
import { useEmbeddedStore } from '../support/embedded-store.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * The bundles `cdk deploy` uploads, run: `cdk synth` as a fresh clone runs it (offline, cdk-nag
 * included), and every function of the template (not of the route table) imported in a fresh `node`
 * process (this machine's Node.js; CI runs it on Node.js 22 too, Lambda's) with the environment Lambda
 * gives it, the template's own settings and timeout, and invoked twice with the events API Gateway,
 * the table's stream, the retry queue and the schedule send, against dynalite. A bundling mistake (an
 * ESM/CommonJS `require`, a missing file, a crash at module scope, a credential provider that does not
 * find the role's variables) fails here.
 */
const outDir = mkdtempSync(join(tmpdir(), 'operator-bridge-bundles-'));
/** What the template resolves only on deploy: the WebSocket the console may connect to. */
const liveUrl = 'wss://abc123.execute-api.eu-west-1.amazonaws.com/live';
let bundles: FunctionBundle[];
let store: Awaited<ReturnType<typeof useEmbeddedStore>>;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let prepared: Awaited<ReturnType<typeof prepareBundleEvents>>;
const runs = new Map<string, BundleRun>();

async function inPool<T>(items: T[], size: number, work: (item: T) => Promise<void>) {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: size }, async () => {
      for (let item = queue.shift(); item; item = queue.shift()) await work(item);
    }),
  );
}

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}

beforeAll(async () => {
  const started = performance.now();
  const synthesized = synthesizeOffline(outDir);
  store = await useEmbeddedStore();
  receiver = await startWebhookReceiver();
  prepared = await prepareBundleEvents(store.deps, client, receiver.url);
  await synthesized;
  bundles = functionBundles(outDir);
  console.log(
    `cdk synth: ${((performance.now() - started) / 1000).toFixed(1)} s\n${formatBundleReport(bundles)}`,
  );
  const endpoint = process.env.DYNAMODB_ENDPOINT ?? '';
  const run = async (bundle: FunctionBundle) => {
    const env = lambdaEnvironment(bundle, endpoint, {
      ...bundle.environment,
      TABLE_NAME: store.deps.db.tableName,
      ALLOW_PRIVATE_WEBHOOKS: 'true',
      LOG_LEVEL: 'INFO',
      ...(bundle.deployTimeVariables.includes('LIVE_URL') && { LIVE_URL: liveUrl }),
      ...(bundle.deployTimeVariables.includes('LIVE_MANAGEMENT_URL') && {
        LIVE_MANAGEMENT_URL: 'https://abc123.execute-api.eu-west-1.amazonaws.com/live',
      }),
    });
    const events = prepared.events[bundle.name] ?? [];
    runs.set(bundle.name, await invokeBundle(bundle.file, events, env, bundle.timeoutSeconds));
  };
  // The sweep delivers whatever is pending in the table, so it runs last: the stream's event stays the stream's.
  const [sweep, others] = partition(bundles, (bundle) => bundle.name === deliveryFunctions.sweep.name);
  await inPool(others, Math.max(2, availableParallelism()), run);
  await inPool(sweep, 1, run);
}, 600_000);

afterAll(async () => {
  await receiver?.close();
  await store?.close();
  rmSync(outDir, { recursive: true, force: true });
});

/** The status code of a function's answer to its `index`th event, as API Gateway reads it. */
function statusOf(name: string, index: number): number | undefined {
  return (runs.get(name)?.invocations[index]?.result as { statusCode?: number } | undefined)?.statusCode;
}

/** The two answers of a function's bundle, parsed as API Gateway would pass them on. */
function answers(name: string) {
  const run = runs.get(name);
  if (!run) throw new Error(`${name} did not run`);
  return run.invocations.map((invocation) => {
    if (invocation.error) throw new Error(`${name} threw: ${invocation.error}`);
    const result = invocation.result as {
      statusCode: number;
      headers?: Record<string, string>;
      body: string;
    };
    return { status: result.statusCode, headers: result.headers ?? {}, body: JSON.parse(result.body) };
  });
}

describe('cdk synth, as a fresh clone runs it', () => {
  it('writes a template, with cdk-nag passing (a finding would have failed the command)', () => {
    const template = JSON.parse(readFileSync(join(outDir, `${stackName}.template.json`), 'utf8'));
    expect(Object.keys(template.Resources).length).toBeGreaterThan(0);
  });

  it('is environment-agnostic without credentials: no region written in, although the CLI defaults one', () => {
    const { Resources, Outputs } = JSON.parse(
      readFileSync(join(outDir, `${stackName}.template.json`), 'utf8'),
    );
    // (CDK's Mappings list every region, to look a value up by AWS::Region at deploy time.)
    const used = JSON.stringify({ Resources, Outputs });
    expect(used).not.toMatch(/(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d/);
    expect(used).toContain('{"Ref":"AWS::Region"}');
  });

  it('bundles every function: each route, the fallback, delivery and live updates', () => {
    const expected = [
      ...routes.map((route) => route.name),
      fallbackRoute.name,
      ...Object.values(deliveryFunctions).map((fn) => fn.name),
      ...liveRoutes.map((route) => route.name),
      liveNotifier.name,
    ];
    expect(bundles.map((bundle) => bundle.name).sort()).toEqual(expected.sort());
    for (const bundle of bundles) expect(bundle.codeBytes, bundle.function).toBeGreaterThan(0);
  });

  it('keeps every function of the template within 300 KiB (issue 17): less to compile at each cold start', () => {
    const over = bundles.filter((bundle) => bundle.codeBytes > 300 * 1024);
    expect(over.map((bundle) => `${bundle.function}: ${(bundle.codeBytes / 1024).toFixed(1)} KiB`)).toEqual(
      [],
    );
  });

  it('makes bundles that load as ES modules and export the handler', async () => {
    // In a plain Node.js process, as Lambda loads them, rather than through vitest's module loader.
    const modules = bundles.map((bundle) => pathToFileURL(bundle.file).href);
    const probe = `for (const url of ${JSON.stringify(modules)}) console.log(typeof (await import(url)).handler);`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '--eval', probe], {
      env: { ...offlineEnvironment(), TABLE_NAME: 'operator-bridge', AWS_REGION: 'us-east-1' },
    });
    expect(stdout.trim().split('\n')).toEqual(bundles.map(() => 'function'));
  });
});

describe('production bundles, invoked as Lambda invokes them', () => {
  it('runs every function of the template, twice', () => {
    expect([...runs.keys()].sort()).toEqual(bundles.map((bundle) => bundle.name).sort());
    for (const [name, run] of runs) expect(run.invocations, name).toHaveLength(2);
  });

  it('SetWebhook stores a webhook and refuses an ftp one', () => {
    const [stored, refused] = answers('SetWebhook');
    expect(stored?.status).toBe(200);
    expect(refused?.status).toBe(400);
    expect(refused?.body.error.issues[0].path).toBe('url');
  });

  it('SendText opens a conversation, and reads a base64-encoded body into the same one', () => {
    const [first, second] = answers('SendText');
    expect(first?.status).toBe(200);
    expect(first?.body.conversationId).toEqual(expect.any(String));
    expect(second).toMatchObject({ status: 200, body: { conversationId: first?.body.conversationId } });
  });

  it('SendFile takes a numeric string size and names a missing url', () => {
    const [sent, refused] = answers('SendFile');
    expect(sent?.status).toBe(200);
    expect(refused?.status).toBe(400);
    expect(refused?.body.error.issues.map((issue: { path: string }) => issue.path)).toContain('url');
  });

  it('CloseChat never refuses a close, and names a missing userId', () => {
    const [closed, refused] = answers('CloseChat');
    expect(closed?.status).toBe(200);
    expect(refused?.status).toBe(400);
  });

  it('SelectDestination opens a conversation and moves it', () => {
    const [opened, moved] = answers('SelectDestination');
    expect(opened?.status).toBe(200);
    expect(moved).toMatchObject({ status: 200, body: { conversationId: opened?.body.conversationId } });
  });

  it('GetDestinations lists the channel’s destinations and refuses a wrong token', () => {
    const [listed, refused] = answers('GetDestinations');
    expect(listed?.status).toBe(200);
    expect(listed?.body.destinations.map((d: { destinationId: string }) => d.destinationId)).toContain(
      prepared.main.support.destinationId,
    );
    expect(refused?.status).toBe(401);
  });

  it('GetMe answers the agent, and 401 without a token', () => {
    const [me, refused] = answers('GetMe');
    expect(me).toMatchObject({ status: 200, body: { employeeId: prepared.main.agent.agent.employeeId } });
    expect(refused?.status).toBe(401);
  });

  it('SetPresence sets presence and names a bad field', () => {
    const [set, refused] = answers('SetPresence');
    expect(set?.status).toBe(200);
    expect(refused?.status).toBe(400);
    expect(refused?.body.error.issues[0].path).toBe('online');
  });

  it('ListConversations lists the agent’s conversations', () => {
    const [all, waiting] = answers('ListConversations');
    const ids = (reply: typeof all) =>
      reply?.body.conversations.map((c: { conversationId: string }) => c.conversationId);
    expect(all?.status).toBe(200);
    expect(ids(all)).toContain(prepared.main.conversationId);
    expect(waiting?.status).toBe(200);
    expect(ids(waiting)).not.toContain(prepared.main.conversationId);
  });

  it('AcceptConversation assigns, and a second agent gets 409', () => {
    const [accepted, taken] = answers('AcceptConversation');
    expect(accepted?.status).toBe(200);
    expect(taken?.status).toBe(409);
  });

  it('ListMessages returns the transcript, and what follows a message', () => {
    const [all, after] = answers('ListMessages');
    expect(all?.status).toBe(200);
    const ids = (reply: typeof all) => reply?.body.messages.map((message: { id: string }) => message.id);
    expect(ids(all).length).toBeGreaterThan(1);
    expect(ids(after)).toEqual(ids(all).slice(1));
  });

  it('SendMessage answers 202, and the same id again for the same Idempotency-Key', () => {
    const [sent, again] = answers('SendMessage');
    expect(sent?.status).toBe(202);
    expect(again).toEqual(sent);
  });

  it('CloseConversation closes, and 404 for an unknown conversation', () => {
    const [closed, missing] = answers('CloseConversation');
    expect(closed?.status).toBe(200);
    expect(missing?.status).toBe(404);
  });

  it('TransferConversation moves the conversation and names a missing destinationId', () => {
    const [moved, refused] = answers('TransferConversation');
    expect(moved?.status).toBe(200);
    expect(refused?.status).toBe(400);
    expect(refused?.body.error.issues[0].path).toBe('destinationId');
  });

  it('NotFound answers 404, and 405 with Allow for a wrong method', () => {
    const [missing, wrongMethod] = answers('NotFound');
    expect(missing?.status).toBe(404);
    expect(wrongMethod?.status).toBe(405);
    expect(wrongMethod?.headers.allow ?? wrongMethod?.headers.Allow).toContain('GET');
  });

  it('ListDestinations lists the agent’s destinations, and 401 without a token', () => {
    const [listed, refused] = answers('ListDestinations');
    expect(listed?.status).toBe(200);
    expect(listed?.body.destinations.map((d: { destinationId: string }) => d.destinationId)).toContain(
      prepared.main.support.destinationId,
    );
    expect(refused?.status).toBe(401);
  });

  it('ListCannedReplies lists the canned replies of the agent’s groups, and 401 without a token', () => {
    const [listed, refused] = answers('ListCannedReplies');
    expect(listed?.status).toBe(200);
    expect(listed?.body.replies).toEqual([
      expect.objectContaining({ shortcut: 'hello', text: 'Hi {userName}' }),
    ]);
    expect(refused?.status).toBe(401);
  });

  it('OpenApi answers the API description', () => {
    const [first, second] = answers('OpenApi');
    expect(first).toMatchObject({ status: 200, body: { openapi: expect.stringMatching(/^3\.1/) } });
    expect(second?.body).toEqual(first?.body);
  });

  it('the console functions serve the page, whose policy lets it connect to the WebSocket API, and 404 for no file', () => {
    const [page] = runs.get('ServeConsoleIndex')?.invocations ?? [];
    const [index] = runs.get('ServeConsoleFile')?.invocations ?? [];
    for (const served of [page, index]) {
      const result = served?.result as { statusCode: number; headers: Record<string, string> };
      expect(result.statusCode).toBe(200);
      expect(result.headers['content-security-policy']).toContain(
        `connect-src 'self' ${new URL(liveUrl).origin};`,
      );
    }
    expect(statusOf('ServeConsoleIndex', 1)).toBe(308);
    expect(statusOf('ServeConsoleFile', 1)).toBe(404);
  });

  it('CreateLiveTicket names the WebSocket API the template points it to, and 401 without a token', () => {
    const [ticket, refused] = answers('CreateLiveTicket');
    expect(ticket).toMatchObject({ status: 200, body: { url: liveUrl, ticket: expect.any(String) } });
    expect(refused?.status).toBe(401);
  });

  it('RetryMessage answers 404 for a message that is not there, and 401 without a token', () => {
    const [missing, refused] = answers('RetryMessage');
    expect(missing?.status).toBe(404);
    expect(refused?.status).toBe(401);
  });

  it('LiveConnect refuses a connection with a wrong ticket or none; LiveDisconnect forgets one', () => {
    expect(statusOf('LiveConnect', 0)).toBe(401);
    expect(statusOf('LiveConnect', 1)).toBe(400);
    expect(runs.get('LiveDisconnect')?.invocations.map((invocation) => invocation.error)).toEqual([
      undefined,
      undefined,
    ]);
  });

  it('NotifyFromStream reads a changed conversation with no console connected, and posts nothing', () => {
    expect(runs.get('NotifyFromStream')?.invocations.map((invocation) => invocation.error)).toEqual([
      undefined,
      undefined,
    ]);
  });

  it('DeliverOnTimer takes retry-timer messages, failing none', () => {
    expect(runs.get('DeliverOnTimer')?.invocations.map((invocation) => invocation.result)).toEqual([
      { batchItemFailures: [] },
      { batchItemFailures: [] },
    ]);
  });

  it('DeliverFromStream delivers the stream’s conversation, once', () => {
    const run = runs.get('DeliverFromStream');
    expect(run?.invocations.map((invocation) => invocation.result)).toEqual([
      { batchItemFailures: [] },
      { batchItemFailures: [] },
    ]);
    const delivered = receiver.accepted().filter((request) => request.path === '/stream');
    expect(delivered.map((request) => request.body.text)).toEqual(['for the stream']);
  });

  it('SweepOutbox delivers what no stream record announced', () => {
    const run = runs.get('SweepOutbox');
    expect(run?.invocations.map((invocation) => invocation.error)).toEqual([undefined, undefined]);
    const delivered = receiver.accepted().filter((request) => request.path === '/sweep');
    expect(delivered.map((request) => request.body.text)).toEqual(['for the sweep']);
  });

  it('SweepOutbox publishes OutboxFailed only while events are failed: no custom metric billed at rest', () => {
    const logs = runs.get('SweepOutbox')?.logs ?? '';
    const swept = logs
      .split('\n')
      .filter((line) => line.includes('"outbox swept"'))
      .map((line) => JSON.parse(line) as { failed: number });
    expect(swept).toHaveLength(2);
    const expected = swept.some((run) => run.failed > 0)
      ? ['OperatorBridge/OutboxFailed service=operator-bridge']
      : [];
    expect(publishedMetrics(logs)).toEqual(expected);
  });

  it('logs JSON lines without tokens or message text', () => {
    for (const [name, run] of runs) {
      for (const secret of prepared.secrets) expect(`${run.logs}${run.stderr}`, name).not.toContain(secret);
      const lines = run.logs.split('\n').filter((line) => line.startsWith('{'));
      for (const line of lines) expect(() => JSON.parse(line), name).not.toThrow();
    }
    expect([...runs.values()].some((run) => run.logs.includes('"routeKey"'))).toBe(true);
  });
});
