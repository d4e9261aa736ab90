import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryFunctions } from '#routes';
import {
  type BuiltBundle,
  type BundleRun,
  buildBundles,
  invokeBundle,
  lambdaEnvironment,
  stackFunctions,
} from '../scripts/function-bundles.ts';
import { prepareBundleEvents } from './support/bundle-events.ts';
import { inProcessClient as client } from './support/clients.ts';
import { useEmbeddedStore } from './support/embedded-store.ts';
import { startWebhookReceiver } from './support/webhook-receiver.ts';

/**
 * The bundles `cdk deploy` uploads, run: each function built with the stack's own esbuild settings,
 * imported in a fresh `node` process (this machine's Node.js; Lambda runs 22) with the environment
 * Lambda gives it, and invoked twice with the events API Gateway, the table's stream and the schedule
 * send, against dynalite. A bundling mistake (an ESM/CommonJS `require`, a missing file, a crash at
 * module scope, a credential provider that does not find the role's variables) fails here.
 */
const outDir = mkdtempSync(join(tmpdir(), 'operator-bridge-bundles-'));
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

/** The delivery functions' timeouts in the stack (`lib/delivery.ts`); the others have the default 10 s. */
const timeouts: Record<string, number> = { DeliverFromStream: 60, SweepOutbox: 55 };

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}

beforeAll(async () => {
  const built = buildBundles(outDir);
  store = await useEmbeddedStore();
  receiver = await startWebhookReceiver();
  prepared = await prepareBundleEvents(store.deps, client, receiver.url);
  const endpoint = process.env.DYNAMODB_ENDPOINT ?? '';
  const run = async (bundle: BuiltBundle) => {
    const env = lambdaEnvironment(bundle, endpoint, {
      TABLE_NAME: store.deps.db.tableName,
      ALLOW_PRIVATE_WEBHOOKS: 'true',
      LOG_LEVEL: 'INFO',
    });
    const events = prepared.events[bundle.name] ?? [];
    runs.set(bundle.name, await invokeBundle(bundle.file, events, env, timeouts[bundle.name]));
  };
  // The sweep delivers whatever is pending in the table, so it runs last: the stream's event stays the stream's.
  const [sweep, others] = partition(await built, (bundle) => bundle.name === deliveryFunctions.sweep.name);
  await inPool(others, Math.max(2, availableParallelism()), run);
  await inPool(sweep, 1, run);
}, 120_000);

afterAll(async () => {
  await receiver?.close();
  await store?.close();
  rmSync(outDir, { recursive: true, force: true });
});

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

describe('production bundles, invoked as Lambda invokes them', () => {
  it('covers every function of the stack', () => {
    expect([...runs.keys()].sort()).toEqual(stackFunctions.map((fn) => fn.name).sort());
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

  it('logs JSON lines without tokens or message text', () => {
    for (const [name, run] of runs) {
      for (const secret of prepared.secrets) expect(`${run.logs}${run.stderr}`, name).not.toContain(secret);
      const lines = run.logs.split('\n').filter((line) => line.startsWith('{'));
      for (const line of lines) expect(() => JSON.parse(line), name).not.toThrow();
    }
    expect([...runs.values()].some((run) => run.logs.includes('"routeKey"'))).toBe(true);
  });
});
