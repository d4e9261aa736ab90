/**
 * `npm run bench`: every figure of issue 10 as a ratio to a floor measured in the same run, printed
 * as one table and written to `bench/results.json`. `--quick` runs the same rows with fewer samples,
 * in under a minute, to keep the harness working (CI checks the file's shape, not the targets).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

const quick = process.argv.includes('--quick');
// Before the modules below load: the logger reads its level once, the config its environment.
process.env.LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'SILENT';
process.env.TABLE_NAME = 'operator-bridge-bench';
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
// The local runtime's sweep, rarer than its default second, so that it seldom lands in a recorded call.
process.env.DELIVERY_SWEEP_SECONDS = '5';
const { startLocalStack } = await import('#local/stack.ts');
const { failedEventCount, sweepOutbox } = await import('#delivery/sweep.ts');
const { buildBundles, bytesByPackage } = await import('../scripts/function-bundles.ts');
const { functionBundles, synthesizeOffline } = await import('../scripts/bundle-report.ts');
const { inProcessClient: client, seedAgent, seedChannel } = await import('../test/support/clients.ts');
const { prepareBundleEvents } = await import('../test/support/bundle-events.ts');
const { httpApiEvent } = await import('../test/support/lambda-events.ts');
const { startWebhookReceiver } = await import('../test/support/webhook-receiver.ts');
const { meterDynamoDb } = await import('./dynamodb-meter.ts');
const { coldStartRows } = await import('./cold-start.ts');
const { warmRows } = await import('./warm.ts');
const { roundTripRows } = await import('./round-trips.ts');
const { writeCapacityRows } = await import('./write-capacity.ts');
const { createDb, ensureTable } = await import('#store/table.ts');
const { dynamoStore } = await import('#store/store.ts');
const { deliveryRows } = await import('./delivery.ts');
const { sweepRows } = await import('./sweep.ts');
const { httpRows } = await import('./http.ts');
const { costRows, idleCost, lambdaCost, lambdaCostParts, publishedMetrics } = await import('./cost.ts');
const { percentile } = await import('./stats.ts');
const { stackName } = await import('../lib/app.ts');
type Row = import('./stats.ts').Row;

const root = resolve(import.meta.dirname, '..');
const outDir = mkdtempSync(join(tmpdir(), 'operator-bridge-bench-'));
const started = performance.now();
const progress = (what: string) =>
  console.error(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${what}`);

const stack = await startLocalStack({ port: 0, host: '127.0.0.1', root });
const { deps } = stack;
const meter = meterDynamoDb(deps.db.client);
const rows: Row[] = [];
/** Printed after the table: what each figure is made of. */
const details: string[] = [];
try {
  progress('row 1: cdk synth, for every function of the template and the bundle cdk deploy uploads');
  const receiver = await startWebhookReceiver();
  await synthesizeOffline(join(outDir, 'cdk.out'));
  const bundles = functionBundles(join(outDir, 'cdk.out')).map((bundle) => ({
    ...bundle,
    bytes: bundle.codeBytes,
  }));
  const prepared = await prepareBundleEvents(deps, client, receiver.url);
  const timedFunctions = quick
    ? ['SendText', 'SendMessage', 'DeliverFromStream', 'SweepOutbox']
    : bundles.map((bundle) => bundle.name);
  progress(`row 1: importing ${timedFunctions.length} bundles, ${quick ? 3 : 15} times each`);
  const cold = await coldStartRows({
    bundles,
    timed: timedFunctions,
    runs: quick ? 3 : 15,
    events: prepared.events,
    dynamodbEndpoint: stack.info.dynamodbEndpoint,
    settings: (bundle) => ({
      ...bundle.environment,
      TABLE_NAME: deps.db.tableName,
      ALLOW_PRIVATE_WEBHOOKS: 'true',
      LOG_LEVEL: 'INFO',
      // What the template resolves only on deploy.
      ...(bundle.deployTimeVariables.includes('LIVE_URL') && { LIVE_URL: 'wss://abc123.example.test/live' }),
      ...(bundle.deployTimeVariables.includes('LIVE_MANAGEMENT_URL') && {
        LIVE_MANAGEMENT_URL: 'https://abc123.example.test/live',
      }),
    }),
  });
  rows.push(...cold.rows);
  await receiver.close();

  progress('row 2: warm handlers in this process');
  const { api, support, sales } = await seedChannel(deps);
  const agent = await seedAgent(deps, [support.destinationId]);
  // Twenty conversations taking turns, so that none grows beyond what a real one holds.
  const conversations: string[] = [];
  for (let c = 0; c < 20; c++) {
    const opened = await client('POST', `${api}/sendText`, { userId: `warm-agent-${c}`, text: 'hi' });
    conversations.push(`/agent/conversations/${opened.body.conversationId}`);
    await client('POST', `${conversations[c]}/accept`, undefined, agent.auth);
  }
  const json = { 'content-type': 'application/json' };
  // As in a Lambda, where the stream delivers: nothing delivers in this process while row 2 runs.
  const outboxWritten = deps.outboxWritten;
  deps.outboxWritten = () => {};
  const warm = await warmRows({
    root,
    deps,
    meter,
    calls: quick ? 30 : 2000,
    progress,
    cases: [
      {
        name: 'sendText',
        status: 200,
        event: (i) =>
          httpApiEvent('POST', `${api}/sendText`, {
            body: JSON.stringify({ userId: `warm-${i % 100}`, text: `hello ${i}` }),
            headers: json,
          }),
      },
      {
        name: 'selectDestination',
        status: 200,
        event: (i) =>
          httpApiEvent('POST', `${api}/selectDestination`, {
            body: JSON.stringify({
              userId: `move-${i % 100}`,
              destinationId: (i % 2 ? sales : support).destinationId,
            }),
            headers: json,
          }),
      },
      { name: 'getDestinations', status: 200, event: () => httpApiEvent('GET', `${api}/getDestinations`) },
      {
        name: 'agent send-message',
        status: 202,
        event: (i) =>
          httpApiEvent('POST', `${conversations[i % conversations.length]}/messages`, {
            body: JSON.stringify({ text: `reply ${i}` }),
            headers: { ...json, ...agent.auth },
          }),
      },
    ],
  });
  rows.push(...warm.rows);

  progress('row 2b: round trips of the write path and of one delivery');
  // A client of its own, as a Lambda has: the local runtime's live-updates feed watches the shared one.
  const plainDb = createDb({ ...deps.config, DYNAMODB_ENDPOINT: stack.info.dynamodbEndpoint });
  const plainDeps = { ...deps, db: plainDb, store: dynamoStore(plainDb), outboxWritten: () => {} };
  // One meter on that client: the rows below each record their own window of its requests.
  const plainMeter = meterDynamoDb(plainDb.client);
  const roundTripReceiver = await startWebhookReceiver();
  rows.push(
    ...(await roundTripRows({
      deps: plainDeps,
      meter: plainMeter,
      seed: async () => {
        const seeded = await seedChannel(deps);
        const { token } = await seedAgent(deps, [seeded.support.destinationId]);
        return { channelToken: seeded.token, agentToken: token, webhookUrl: roundTripReceiver.url() };
      },
    })),
  );
  progress('row 2c: write capacity of an agent event with 1 KB and 120 KB of pre-chat data');
  rows.push(
    ...(await writeCapacityRows({
      deps: plainDeps,
      endpoint: stack.info.dynamodbEndpoint,
      events: quick ? 3 : 20,
      seed: async () => {
        const seeded = await seedChannel(deps);
        const { token } = await seedAgent(deps, [seeded.support.destinationId]);
        return {
          channelToken: seeded.token,
          agentToken: token,
          webhookUrl: roundTripReceiver.url(),
          destinationId: seeded.support.destinationId,
        };
      },
    })),
  );
  await roundTripReceiver.close();

  progress('row 4b: the sweep as failed events pile up');
  rows.push(
    ...(await sweepRows({
      deps: plainDeps,
      client,
      meter: plainMeter,
      failed: quick ? 200 : 1000,
    })),
  );
  deps.outboxWritten = outboxWritten;

  progress('row 4: delivery through the local runtime’s loop');
  const delivery = await deliveryRows({
    deps,
    client,
    meter,
    events: quick ? 20 : 1000,
    conversations: quick ? 10 : 100,
    perConversation: quick ? 3 : 10,
    backlogs: quick ? [5, 20] : [10, 100, 1000],
  });
  rows.push(...delivery.rows);

  progress('rows 3 and 5: HTTP throughput and memory of the local runtime');
  const sendTextRequests = warm.recorded.get('sendText') ?? [];
  rows.push(
    ...(await httpRows({
      recorded: sendTextRequests,
      duration: quick ? 3 : 10,
      messages: quick ? 1000 : 10_000,
    })),
  );

  progress('row 6: cost on paper');
  // The idle row prices the sweep of an idle deployment: an empty table, not the bench's, which holds
  // thousands of events by now (its sweep reads them, a cost of traffic, not of idling).
  const idleDb = createDb({
    ...deps.config,
    TABLE_NAME: `${deps.db.tableName}-idle`,
    DYNAMODB_ENDPOINT: stack.info.dynamodbEndpoint,
  });
  await ensureTable(idleDb);
  const idleDeps = { ...plainDeps, db: idleDb, store: dynamoStore(idleDb) };
  const sweepRequests = await meterDynamoDb(idleDb.client).record(async () => {
    await sweepOutbox(idleDeps, {});
    await failedEventCount(idleDeps);
  });
  const value = (name: string) => rows.find((r) => r.name === name)?.value ?? 0;
  const logBytesPerCall = (name: string) => {
    const run = cold.runs.get(name);
    return run ? Buffer.byteLength(run.logs) / run.invocations.length : 0;
  };
  const sendMessageRequests = warm.recorded.get('agent send-message') ?? [];
  // A real webhook answers in its own time; 100 ms is assumed for DialogStudio's.
  const webhookMs = 100;
  const invocations = {
    sendText: {
      ms: value('warm p50: sendText'),
      logBytes: logBytesPerCall('SendText'),
      requests: sendTextRequests,
    },
    sendMessage: {
      ms: value('warm p50: agent send-message'),
      logBytes: logBytesPerCall('SendMessage'),
      requests: sendMessageRequests,
    },
    delivery: {
      ms: Math.max(0, delivery.latencyP50 - value('warm p50: agent send-message')) + webhookMs,
      logBytes: logBytesPerCall('DeliverFromStream'),
      requests: delivery.recordedDelivery,
    },
    sweep: {
      ms: percentile(cold.runs.get('SweepOutbox')?.invocations.map((i) => i.ms) ?? [0], 50),
      logBytes: logBytesPerCall('SweepOutbox'),
      requests: sweepRequests,
    },
  };
  const template = JSON.parse(readFileSync(join(outDir, 'cdk.out', `${stackName}.template.json`), 'utf8'));
  const sweepId = Object.entries(
    template.Resources as Record<string, { Metadata?: Record<string, string> }>,
  ).find(([, resource]) => resource.Metadata?.['aws:cdk:path']?.endsWith('/SweepOutbox/Resource'))?.[0];
  const idle = idleCost(template, {
    scheduledInvocation: (functionId) => (functionId === sweepId ? lambdaCost(invocations.sweep) : 0),
    // What the sweep's bundle published at rest, in the run above (Powertools' EMF lines).
    customMetrics: publishedMetrics(cold.runs.get('SweepOutbox')?.logs ?? '').length,
  });
  rows.push(...costRows({ ...invocations, idle }));
  for (const [name, invocation] of Object.entries(invocations)) {
    const parts = Object.entries(lambdaCostParts(invocation)).map(
      ([part, amount]) => `${part} ${amount.toFixed(3)}`,
    );
    const commands = invocation.requests.map((request) => request.commandName.replace(/Command$/, ''));
    details.push(
      `${name}: ${Math.ceil(invocation.ms)} ms, ${invocation.logBytes.toFixed(0)} log bytes; $ per million: ${parts.join(', ')}; requests: ${commands.join(' ')}`,
    );
  }
  const results = {
    machine: `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Linux ${release()}, Node.js ${process.version}${quick ? ' (quick run)' : ''}`,
    rows,
  };
  checkShape(results);
  writeFileSync(join(import.meta.dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`Operator Bridge benchmark: ${results.machine}\n`);
  console.log(formatTable(rows));
  console.log(`\n${details.join('\n')}`);
  // The same bundle built again with esbuild's metafile, which cdk.out does not keep.
  const [sendText] = await buildBundles(join(outDir, 'composition'), [
    { name: 'SendText', entry: 'functions/operator/send-text.ts' },
  ]);
  const composition = sendText ? bytesByPackage(sendText.metafile) : [];
  console.log(
    `\nSendText bundle by package (KiB): ${composition
      .slice(0, 8)
      .map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(1)}`)
      .join(', ')}`,
  );
  progress('done');
} finally {
  await stack.close();
  rmSync(outDir, { recursive: true, force: true });
}

function formatTable(table: Row[]): string {
  const cells = table.map((r) => [
    r.name,
    `${r.value} ${r.unit}`,
    r.floor === null ? '' : `${r.floor} ${r.unit}`,
    r.ratio === null ? '' : `${r.ratio}×`,
    r.target ?? '',
    r.met === null ? '' : r.met ? 'met' : 'MISSED',
  ]);
  const header = ['figure', 'value', 'floor', 'ratio', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) =>
    c
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** What `.ci/run` relies on: the file's shape, whatever the numbers. */
function checkShape(results: { machine: string; rows: Row[] }): void {
  const problems: string[] = [];
  if (!results.machine) problems.push('machine is empty');
  if (results.rows.length === 0) problems.push('no rows');
  for (const r of results.rows) {
    if (!r.name || !Number.isFinite(r.value) || !r.unit) problems.push(`${r.name}: name, value or unit`);
    if (r.floor !== null && !(r.floor > 0 && Number.isFinite(r.ratio)))
      problems.push(`${r.name}: floor or ratio`);
    if ((r.target === null) !== (r.met === null)) problems.push(`${r.name}: target and met go together`);
  }
  for (const figure of [
    'bundle size',
    'cold start, import',
    'warm p50',
    'HTTP sendText',
    'delivery p50',
    'heap after',
    'cost per million',
    'idle deployment per month',
  ]) {
    if (!results.rows.some((r) => r.name.includes(figure))) problems.push(`no "${figure}" row`);
  }
  if (problems.length > 0) throw new Error(`bench/results.json would be malformed:\n${problems.join('\n')}`);
}
