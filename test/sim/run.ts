import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Scheduler } from 'fast-check';
import { matchRoute } from '#api/routes.ts';
import { defaultBudgetMs, deliverConversation } from '#delivery/engine.ts';
import { GAP_GRACE_MS } from '#delivery/pass.ts';
import { sweepOutbox } from '#delivery/sweep.ts';
import { listFailedEvents, redriveFailedEvents } from '#domain/outbox/redrive.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { type Db, ensureTable } from '#store/table.ts';
import { createAgent } from '#use-cases/admin/create-agent.ts';
import { createChannel } from '#use-cases/admin/create-channel.ts';
import { createDestination } from '#use-cases/admin/create-destination.ts';
import { setAgentPlatform } from '#use-cases/admin/set-agent-platform.ts';
import type { Reply } from '../support/clients.ts';
import { httpApiEvent } from '../support/lambda-events.ts';
import { current } from './current.ts';
import { type AgentAction, type ClientAction, faultAt, type Scenario, type SystemAction } from './model.ts';
import { checkNothingStranded, SIM_RETENTION_DAYS, scanAll, Ttl, ttlJumpMs } from './ttl.ts';
import { type ActorStep, Crash, type Post, World } from './world.ts';

/** The sweep period (a schedule in AWS). */
const SWEEP_MS = 60_000;
/** A crashed holder's lease runs out (the run's budget + DELIVERY_LEASE_SECONDS), then a sweep and the gap grace: the bound on a late event. */
const settleBoundMs = (deps: Deps) =>
  SWEEP_MS + defaultBudgetMs(deps) + deps.config.DELIVERY_LEASE_SECONDS * 1000 + GAP_GRACE_MS + 5_000;
/** Virtual time each store call or post takes. */
const STEP_MS = 25;
const START = Date.parse('2026-01-05T10:00:00.000Z');
/** The longest the drain waits: past the longest backoff step (2 h) and a sweep. */
const DRAIN_MS = 7_200_000 + 10 * SWEEP_MS;

type Handler = (event: unknown, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** The route's handlers, loaded once before any run: loading a module is I/O the scheduler cannot order. */
export const handlers = new Map<string, Handler>();

/** Invokes the route's Lambda handler with the event API Gateway sends, as the deployed function runs. */
async function invoke(method: string, target: string, body?: unknown, headers: Record<string, string> = {}) {
  const event = httpApiEvent(method, target, {
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
  const match = matchRoute(method, event.rawPath);
  const handler = match.kind === 'route' ? handlers.get(match.route.entry) : undefined;
  if (!handler) throw new Error(`no handler for ${method} ${event.rawPath}`);
  const result = await handler(event, { awsRequestId: `sim-${event.requestContext.requestId}` } as Context);
  return { status: result.statusCode ?? 200, body: JSON.parse(result.body ?? 'null') } as Reply;
}

export interface Outcome {
  /** A hash of the order of every step: two runs of one seed must match. */
  fingerprint: string;
  violations: string[];
  trace: string[];
  injected: string[];
  calls: number;
  replies: string;
  posts: number;
  /** Conversation items TTL removed. */
  expired: number;
}

type Item = Record<string, unknown> & {
  pk: string;
  sk: string;
  delivery?: { target: string; status: string; nextAttemptAt?: string; payload: { type?: string } };
};

/** One run of the world: the scenario's actors, then the faults stop and the world drains; what broke is returned. */
export async function runScenario(
  scenario: Scenario,
  scheduler: Scheduler,
  endpoint: string,
  tableName: string,
  /** DynamoDB's TTL takes part: conversations expire (RETENTION_DAYS 2) while days pass, twice. */
  withTtl = true,
): Promise<Outcome> {
  const violations: string[] = [];
  const violate = (invariant: string, detail: string) => {
    const line = `${invariant}: ${detail}`;
    if (!violations.includes(line)) violations.push(line);
  };
  const world = new World(
    scheduler,
    (index) => faultAt(scenario, index),
    scenario.answers,
    endpoint,
    tableName,
    START,
  );
  current.world = world;
  current.ids = 0;
  const env: Record<string, string> = { ALLOW_PRIVATE_WEBHOOKS: 'true', LOG_LEVEL: 'SILENT' };
  if (withTtl) env.RETENTION_DAYS = String(SIM_RETENTION_DAYS);
  const deps = world.deps(env);
  current.deps = deps;
  const clean = cleanDb(endpoint, tableName);
  await ensureTable(clean);

  // Setup, outside any actor: no faults, no scheduling.
  const support = await createDestination(deps, { destinationId: 'support', name: 'Support' });
  const sales = await createDestination(deps, { destinationId: 'sales', name: 'Sales' });
  const { channel, token } = await createChannel(deps, { name: 'Sim', defaultDestinationId: 'support' });
  const api = `/operator/${token}`;
  const dsUrl = 'http://127.0.0.1:9/dialogstudio';
  if (scenario.platform) await setAgentPlatform(deps, channel.channelId, 'http://127.0.0.1:9/platform');
  const agentTokens: Record<string, string>[] = [];
  for (const [i, destinations] of [
    [support.destinationId, sales.destinationId],
    [support.destinationId],
  ].entries()) {
    const { token: agentToken } = await createAgent(deps, {
      firstName: `Agent${i}`,
      lastName: 'Sim',
      avatarUrl: 'https://example.com/a.png',
      destinations,
    });
    agentTokens.push({ authorization: `Bearer ${agentToken}` });
  }
  const admin = agentTokens[0] as Record<string, string>;
  if (scenario.webhookAtStart) await invoke('POST', `${api}/setWebhook`, { url: dsUrl });

  // What callers were told, to hold the store to it.
  const clientMessages: { text: string; conversationId: string; messageId: string }[] = [];
  const agentMessages: { text: string; conversationId: string; id: string }[] = [];
  const known: string[] = [];
  const learn = (conversationId: unknown) => {
    if (typeof conversationId === 'string' && !known.includes(conversationId)) known.push(conversationId);
  };
  let counter = 0;
  const unique = (prefix: string) => `sim-${prefix}${++counter}`;
  const replies = new Map<string, number>();

  /** A request as API Gateway hands it to the handler; a crash of the actor means no answer reached the caller. */
  const request = async (method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
    const reply = await invoke(method, path, body, headers);
    const label = `${path.split('/').at(-1)?.split('?')[0]} ${reply.status}${reply.status >= 400 ? ` ${reply.body?.error?.code ?? ''}` : ''}`;
    replies.set(label, (replies.get(label) ?? 0) + 1);
    if (world.actor()?.dead) throw new Crash();
    if (reply.status === 400 || reply.status === 401)
      violate(
        'generated input passes validation',
        `${method} ${path.split('/').slice(-1)[0]} answered ${reply.status} ${reply.body?.error?.code}`,
      );
    return reply;
  };

  const schedule = (conversationId: string, atMs: number) => {
    world.timers.push({ conversationId, atMs });
  };

  /** A deliverer as the stream's Lambda runs it; an error is retried as the event source mapping does. */
  const deliverer = (conversationId: string, why: string) => {
    void world.spawn(
      `deliver(${why}) ${short(conversationId)}`,
      async () => {
        for (let attempt = 0; attempt < 3; attempt++) {
          try {
            await deliverConversation(deps, conversationId, { schedule });
            return;
          } catch (error) {
            if (error instanceof Crash) throw error;
            await leaseLetGo(conversationId);
          }
        }
      },
      scenario.offsets[5] ?? 0,
    );
  };

  /** Finding 7's invariant: a run that ended in an error (not a crash) has let its lease go. */
  const leaseLetGo = async (conversationId: string) => {
    const meta = await getItem(clean, `CONV#${conversationId}`, 'META');
    const actor = world.actor();
    // Letting go may itself have met an error (every SDK attempt failed): the lease then runs out.
    if (!actor || actor.dead || actor.letGoFailed) return;
    const mine = actor.owners.has(String(meta?.leaseOwner));
    if (mine && Date.parse(String(meta?.leaseUntil)) > world.clock) {
      violate(
        'a delivery run that ended in an error let its lease go',
        `${short(conversationId)} still leased until ${meta?.leaseUntil} after the run threw`,
      );
    }
  };

  let streamIndex = 0;
  const late: string[] = [];
  const pumpStream = () => {
    while (streamIndex < world.stream.length) {
      const record = world.stream[streamIndex] as { conversationId: string };
      const fate = world.faultsOn ? (scenario.stream[streamIndex] ?? 'now') : 'now';
      streamIndex++;
      if (fate === 'drop') continue;
      if (fate === 'late') {
        late.push(record.conversationId);
        continue;
      }
      deliverer(record.conversationId, 'stream');
      if (fate === 'twice') deliverer(record.conversationId, 'stream again');
      if (fate === 'replay') {
        for (const earlier of world.stream.slice(Math.max(0, streamIndex - 3), streamIndex - 1))
          deliverer(earlier.conversationId, 'stream replay');
      }
    }
  };

  world.onPost = (post) => checkPost(world.posts, post, violate, world.everFailed);
  // A redrive that lands while the pass that failed the event still runs (finding 2): the operator's CLI, at once.
  world.onSavedFailed = (eventId) => {
    if (!scenario.raceRedrives || !world.faultsOn) return;
    void world.spawn(`operator redrive ${eventId.replace(/^cv_/, '')}`, async () => {
      await redriveFailedEvents(deps, [eventId]).catch((error) => {
        if (error instanceof Crash) throw error;
      });
    });
  };
  const ttl = withTtl ? new Ttl(world, scenario, clean, deps, violate) : undefined;
  /** The stream: new outbox entries and wake-ups to the deliverers, TTL's removals to retention. */
  const pump = () => {
    pumpStream();
    ttl?.deliverRecords();
  };

  const client = (slot: number, actions: ClientAction[]) => async () => {
    const userId = `user-${slot}`;
    for (const action of actions) {
      world.advance(STEP_MS);
      if (action.kind === 'sendText') {
        const text = unique('c');
        const reply = await request('POST', `${api}/sendText`, { userId, text });
        if (reply.status === 200) {
          learn(reply.body.conversationId);
          clientMessages.push({
            text,
            conversationId: reply.body.conversationId,
            messageId: reply.body.messageId,
          });
        }
      } else if (action.kind === 'sendFile') {
        const name = `${unique('f')}.txt`;
        const reply = await request('POST', `${api}/sendFile`, {
          userId,
          url: `https://files.example.com/${name}`,
          fileName: name,
          size: 10,
        });
        if (reply.status === 200) learn(reply.body.conversationId);
      } else if (action.kind === 'closeChat') {
        await request('POST', `${api}/closeChat`, { userId, text: unique('x') });
      } else if (action.kind === 'selectDestination') {
        const destinationId = ['support', 'sales', 'nowhere'][action.destination];
        const reply = await request('POST', `${api}/selectDestination`, { userId, destinationId });
        if (reply.status === 200) learn(reply.body.conversationId);
      } else {
        await request('POST', `${api}/setWebhook`, { url: dsUrl });
      }
    }
  };

  const agent = (slot: number, actions: AgentAction[]) => async () => {
    const auth = agentTokens[slot] as Record<string, string>;
    for (const action of actions) {
      world.advance(STEP_MS);
      // An agent with nothing to work on looks at its list, and waits a little while it is empty.
      for (let look = 0; look < 3 && (action.kind === 'list' || known.length === 0); look++) {
        const reply = await request('GET', '/agent/conversations', undefined, auth);
        for (const conversation of reply.body?.conversations ?? []) learn(conversation.conversationId);
        if (action.kind === 'list') break;
        world.advance(1_000);
      }
      if (action.kind === 'list' || known.length === 0) continue;
      const conversationId = known[action.pick % known.length] as string;
      const path = `/agent/conversations/${conversationId}`;
      if (action.kind === 'accept') await request('POST', `${path}/accept`, undefined, auth);
      else if (action.kind === 'send') {
        const text = unique('a');
        const headers = action.key ? { ...auth, 'idempotency-key': `key-${text}` } : auth;
        let reply = await request('POST', `${path}/messages`, { text }, headers);
        // An agent accepts a conversation before it writes in it.
        if (reply.body?.error?.code === 'not_accepted') {
          await request('POST', `${path}/accept`, undefined, auth);
          reply = await request('POST', `${path}/messages`, { text }, headers);
        }
        // With a key, an error answer is retried with the same key, as a careful client does.
        if (action.key && reply.status >= 500)
          reply = await request('POST', `${path}/messages`, { text }, headers);
        if (reply.status === 202) agentMessages.push({ text, conversationId, id: reply.body.id });
      } else if (action.kind === 'transfer') {
        const destinationId = action.destination === 0 ? 'support' : 'sales';
        await request('POST', `${path}/transfer`, { destinationId }, auth);
      } else if (action.kind === 'close') {
        await request('POST', `${path}/close`, undefined, auth);
      } else {
        const reply = await request('GET', `${path}/messages?limit=500`, undefined, auth);
        const failed = (reply.body?.messages ?? []).find(
          (message: { delivery?: { status: string; target?: string } }) =>
            message.delivery?.status === 'failed' && message.delivery.target === 'dialogstudio',
        );
        if (failed) await request('POST', `${path}/messages/${failed.id}/retry`, undefined, auth);
      }
    }
  };

  const system = (actions: SystemAction[]) => async () => {
    for (const action of actions) {
      if (action.kind === 'tick') world.advance(action.seconds * 1000);
      else if (action.kind === 'sweep')
        await sweepOutbox(deps, { deliver: (id) => deliverConversation(deps, id, { schedule }) }).catch(
          (error) => {
            if (error instanceof Crash) throw error;
          },
        );
      else {
        // A failing sweep or redrive is a failed Lambda run: the next one starts over.
        await redriveFailedEvents(deps).catch((error) => {
          if (error instanceof Crash) throw error;
        });
      }
      await world.gate(action.kind);
    }
  };

  // The run: every actor at once, deliverers joining as the stream brings records.
  const offsets = scenario.offsets;
  for (const [slot, actions] of scenario.clients.entries())
    void world.spawn(`client${slot}`, client(slot, actions), offsets[slot] ?? 0);
  for (const [slot, actions] of scenario.agents.entries())
    void world.spawn(`agent${slot}`, agent(slot, actions), offsets[2 + slot] ?? 0);
  void world.spawn('system', system(scenario.system), offsets[4] ?? 0);
  await runWithStream(world, pump);
  fireTimers(world, deliverer);
  await runWithStream(world, pump);

  if (ttl) {
    // Days pass: TTL removes what expired (checked first: what callers were told is there), while each client writes once more.
    await checkReachable(admin, clientMessages, agentMessages, violate);
    world.advance(ttlJumpMs(scenario, 'during'));
    void ttl.sweep('during');
    for (const [slot] of scenario.clients.entries())
      void world.spawn(`client${slot} days later`, client(slot, [{ kind: 'sendText' }]), offsets[slot] ?? 0);
    await runWithStream(world, pump);
  }

  // Then, still under faults, the agents retry the failed events they see and an operator redrives the rest.
  world.advance(SWEEP_MS);
  for (const [slot] of scenario.agents.entries()) {
    void world.spawn(
      `agent${slot} retries`,
      async () => {
        const auth = agentTokens[slot] as Record<string, string>;
        for (const conversationId of known) {
          const path = `/agent/conversations/${conversationId}`;
          const reply = await request('GET', `${path}/messages?limit=500`, undefined, auth);
          for (const message of reply.body?.messages ?? []) {
            if (message.delivery?.status !== 'failed' || message.delivery.target !== 'dialogstudio') continue;
            await request('POST', `${path}/messages/${message.id}/retry`, undefined, auth);
          }
        }
      },
      offsets[2 + slot] ?? 0,
    );
  }
  void world.spawn('operator redrive', async () => {
    await redriveFailedEvents(deps).catch((error) => {
      if (error instanceof Crash) throw error;
    });
  });
  await runWithStream(world, pump);

  // The faults stop: late stream records arrive, DialogStudio sets its webhook, time runs on.
  world.faultsOn = false;
  const drainStart = world.clock;
  for (const conversationId of late) deliverer(conversationId, 'late stream');
  ttl?.deliverLate();
  void world.spawn('operator', async () => {
    await request('POST', `${api}/setWebhook`, { url: dsUrl });
  });
  await runWithStream(world, pump);
  const webhookSetAt = world.clock;
  let nextSweep = drainStart + SWEEP_MS;
  for (let round = 0; round < 400; round++) {
    const items = await scanAll<Item>(clean);
    const pending = outstanding(items);
    checkLateness(
      pending,
      items,
      world.clock,
      Math.max(drainStart, webhookSetAt),
      settleBoundMs(deps),
      violate,
    );
    // A conversation the sweep can find has work even with no pending entry: a state change's entry
    // may exist only as the item's intent, written by the deliverer that the sweep starts.
    const heads = items.filter((item) => item.sk === 'META' && item.gsi1pk !== undefined);
    if ((pending.length === 0 && heads.length === 0) || world.clock > drainStart + DRAIN_MS) break;
    // Jump to the first sweep at or after the earliest moment anything can move.
    const earliest = Math.min(
      ...pending.map((item) => Date.parse(item.delivery?.nextAttemptAt ?? '') || world.clock),
      ...heads.map((meta) => Date.parse(String(meta.gsi1sk).split('#')[0] ?? '') || world.clock),
      ...world.timers.map((timer) => timer.atMs),
    );
    while (nextSweep < earliest) nextSweep += SWEEP_MS;
    const timerFirst = world.timers.some((timer) => timer.atMs < nextSweep);
    world.clock = Math.max(
      world.clock + STEP_MS,
      timerFirst ? Math.min(...world.timers.map((t) => t.atMs)) : nextSweep,
    );
    fireTimers(world, deliverer);
    if (world.clock >= nextSweep) {
      nextSweep += SWEEP_MS;
      void world.spawn('sweep', async () => {
        await sweepOutbox(deps, { deliver: (id) => deliverConversation(deps, id, { schedule }) });
      });
    }
    await runWithStream(world, pump);
  }

  // The end: every promise kept, read the way an agent reads (paging to the end, pages cut short).
  const items = await scanAll<Item>(clean);
  for (const item of outstanding(items)) {
    violate(
      'every event ends delivered or failed once faults stop',
      `${item.id} (${item.delivery?.payload.type}) still ${item.delivery?.status === 'pending' ? 'pending' : 'redriven, not taken up'}`,
    );
  }
  if (process.env.SIM_VERBOSE) {
    for (const item of items.filter((entry) => entry.sk === 'META' || entry.delivery)) {
      const {
        pk: _pk,
        payload: _payload,
        attributes: _a,
        hiddenAttributes: _h,
        customData: _c,
        ...shown
      } = item;
      world.injected.push(
        `state ${JSON.stringify({ ...shown, delivery: item.delivery && { ...item.delivery, payload: item.delivery.payload.type } })}`,
      );
    }
    for (const step of world.trace.filter((line) => /redrive|retries/.test(line)))
      world.injected.push(`step ${step}`);
    for (const post of world.posts)
      world.injected.push(`post ${post.index} ${post.eventId} ${post.type} ${post.answer} by ${post.actor}`);
  }
  checkStoredOnce(items, violate);
  checkClosedHaveTheirEntry(items, violate);
  checkFailedCounted(items, violate);
  checkRedrivesTakenUp(world, violate);
  checkDuplicates(world, violate);
  await checkFailedListed(items, deps, violate);
  world.cutAllPages = scenario.cutPages;
  // What TTL removed is gone by design: retention's promise is checked on its own (below, and as TTL removes).
  const kept = <T extends { conversationId: string }>(messages: T[]) =>
    messages.filter((message) => !ttl?.expired.has(message.conversationId));
  try {
    await checkReachable(admin, kept(clientMessages), kept(agentMessages), violate);
    await checkConversationsListed(items, admin, violate);
  } finally {
    world.cutAllPages = false;
  }
  if (ttl) {
    // Days pass again: TTL removes every conversation that holds nothing, and none that holds an event.
    world.advance(ttlJumpMs(scenario, 'after'));
    void ttl.sweep('after');
    await runWithStream(world, pump);
    ttl.deliverLate();
    await runWithStream(world, pump);
    checkNothingStranded(await scanAll(clean), violate);
  }
  for (const { actor, error } of world.errors) {
    violate('no actor fails outside its request', `${actor}: ${(error as Error).message}`);
  }
  current.world = undefined;
  return {
    fingerprint: fingerprint(world.trace),
    violations,
    trace: world.trace,
    injected: world.injected,
    calls: world.calls,
    replies: [...replies].map(([label, count]) => `${label}×${count}`).join(', '),
    posts: world.posts.length,
    expired: ttl?.expired.size ?? 0,
  };
}

async function runWithStream(world: World, pump: () => void) {
  for (let round = 0; round < 50; round++) {
    pump();
    await world.runUntilIdle();
    pump();
    if (world.scheduler.count() === 0 && !world.hasLive()) return;
  }
}

function fireTimers(world: World, deliverer: (conversationId: string, why: string) => void) {
  const due = world.timers.filter((timer) => timer.atMs <= world.clock);
  for (const timer of due) {
    world.timers.splice(world.timers.indexOf(timer), 1);
    deliverer(timer.conversationId, 'timer');
  }
}

function short(conversationId: string) {
  return conversationId.replace(/^cv_/, '');
}

function cleanDb(endpoint: string, tableName: string): Db {
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { client, doc, tableName, retentionDays: 0 };
}

async function getItem(db: Db, pk: string, sk: string) {
  const items = await scanAll<Item>(db);
  return items.find((item) => item.pk === pk && item.sk === sk);
}

type Violate = (invariant: string, detail: string) => void;

/**
 * The events still to go out: pending ones, and failed ones put back in line (in their conversation's
 * redriven set), which stay `failed` until a deliverer takes them up.
 */
function outstanding(items: Item[]): Item[] {
  const redriven = new Map(
    items
      .filter((item) => item.sk === 'META')
      .map((meta) => [meta.pk, (meta.redriven as Set<number> | undefined) ?? new Set<number>()]),
  );
  return items.filter(
    (item) =>
      item.delivery?.status === 'pending' ||
      (item.delivery?.status === 'failed' && redriven.get(item.pk)?.has(Number(item.seq))),
  );
}

function targetOf(post: Post) {
  return post.url.endsWith('/platform') ? 'platform' : 'dialogstudio';
}

const processed = (post: Post) => post.answer === 'ok' || post.answer === 'hang';

/** After every post: first deliveries in sequence order per conversation and target; nothing after `Closed`. */
function checkPost(posts: Post[], post: Post, violate: Violate, everFailed: Set<string>) {
  const target = targetOf(post);
  const same = posts.filter(
    (other) =>
      other.index < post.index && other.conversationId === post.conversationId && targetOf(other) === target,
  );
  const closed = same.find((other) => processed(other) && other.type === 'Closed');
  if (target === 'dialogstudio' && closed && post.eventId !== closed.eventId) {
    violate(
      'nothing after Closed',
      `${post.type} ${post.eventId} posted after ${closed.eventId} Closed was delivered`,
    );
  }
  if (!processed(post) || same.some((other) => other.eventId === post.eventId && processed(other))) return;
  // A failed event put back in line goes out after what was delivered meanwhile: it is exempt. It failed
  // on a 4xx, or when its retries ran out (days pass while TTL takes part).
  const redriven =
    everFailed.has(post.eventId) ||
    same.some((other) => other.eventId === post.eventId && other.answer === '4xx');
  const later = same.find((other) => processed(other) && other.seq > post.seq);
  if (later && !redriven) {
    violate('first deliveries in sequence order', `${post.eventId} first delivered after ${later.eventId}`);
  }
}

/**
 * A second delivery of an event only when an earlier attempt was in flight: it hung (the far side may
 * have it), its actor met a fault after posting or died (the outcome may be unsaved), or another run took
 * the lease from it while it still held it (a holder slow past its lease, finding 6) and, when that run
 * last read the conversation before posting, the attempt's outcome was not saved yet: the taker could
 * not know the event went out.
 */
export function checkDuplicates(
  world: Pick<World, 'posts' | 'leasesTaken' | 'leasesLetGo' | 'reads'>,
  violate: Violate,
) {
  const { posts, leasesTaken, leasesLetGo, reads } = world;
  const stepsOf = (steps: ActorStep[], post: Post, actor = post.actorRef) =>
    steps.filter((step) => step.conversationId === post.conversationId && step.actor === actor);
  const takenWhileInFlight = (other: Post, post: Post) => {
    if (other.actorRef === post.actorRef) return false;
    const taken = stepsOf(leasesTaken, post).findLast(
      (step) => step.atCall > other.callsAtPost && step.atCall <= post.callsAtPost,
    );
    if (!taken) return false;
    const letGoFirst = stepsOf(leasesLetGo, post, other.actorRef).some(
      (step) => step.atCall > other.callsAtPost && step.atCall < taken.atCall,
    );
    const read = stepsOf(reads, post).findLast(
      (step) => step.atCall > taken.atCall && step.atCall <= post.callsAtPost,
    );
    return (
      !letGoFirst &&
      read !== undefined &&
      (other.savedAtCall === undefined || other.savedAtCall > read.atCall)
    );
  };
  for (const post of posts) {
    if (!processed(post)) continue;
    const earlier = posts.filter(
      (other) =>
        other.index < post.index &&
        other.eventId === post.eventId &&
        other.url === post.url &&
        processed(other),
    );
    const explained = earlier.every(
      (other) =>
        other.answer === 'hang' ||
        other.actorRef.faults > other.actorFaultsAtPost ||
        other.actorRef.dead ||
        takenWhileInFlight(other, post),
    );
    if (!explained) violate('duplicates only of attempts in flight', `${post.eventId} delivered again`);
  }
}

/** After the faults stop, each pending event goes out within a sweep, a lease and the gap grace of when it could. */
function checkLateness(
  pending: Item[],
  items: Item[],
  now: number,
  since: number,
  bound: number,
  violate: Violate,
) {
  for (const item of pending) {
    const delivery = item.delivery as NonNullable<Item['delivery']>;
    const before = items.filter(
      (other) =>
        other.pk === item.pk &&
        other.delivery?.status === 'pending' &&
        other.delivery.target === delivery.target &&
        String(other.sk) <= String(item.sk),
    );
    const ready = Math.max(
      since,
      ...before.map((other) => Date.parse(other.delivery?.nextAttemptAt ?? '') || 0),
    );
    if (now > ready + bound) {
      violate(
        'a pending event goes out within a sweep period of its time once faults stop',
        `${item.id} (${delivery.payload.type} to ${delivery.target}) pending ${Math.round((now - ready) / 1000)} s past its time`,
      );
    }
  }
}

/** Every request stored at most once, whatever the SDK retried: each request's text is unique. */
function checkStoredOnce(items: Item[], violate: Violate) {
  const byText = new Map<string, string[]>();
  for (const item of items) {
    if (!String(item.sk).startsWith('MSG#')) continue;
    const text = (item.text ?? item.name) as string | undefined;
    if (!text?.startsWith('sim-')) continue;
    byText.set(text, [...(byText.get(text) ?? []), String(item.id)]);
  }
  for (const [text, ids] of byText) {
    if (ids.length > 1) violate('every request stored at most once', `${text} stored as ${ids.join(', ')}`);
  }
}

/** A closed conversation has its close entry: the status and the entry that announces it go together. */
function checkClosedHaveTheirEntry(items: Item[], violate: Violate) {
  for (const meta of items.filter((item) => item.sk === 'META' && item.status === 'closed')) {
    const close = items.find(
      (item) =>
        item.pk === meta.pk &&
        String(item.sk).startsWith('MSG#') &&
        (item.note === 'closed_by_agent' || item.note === 'closed_by_client'),
    );
    if (!close)
      violate('a closed conversation has its close entry', `${meta.conversationId} closed without one`);
  }
}

/**
 * Once the run settles, each conversation's failed events (what keeps it from expiring) are exactly its
 * failed entries: one too many and it never expires, one too few and TTL may take a failed event.
 */
function checkFailedCounted(items: Item[], violate: Violate) {
  for (const meta of items.filter((item) => item.sk === 'META' && String(item.pk).startsWith('CONV#'))) {
    const kept = [...((meta.failedEvents as Set<number> | undefined) ?? [])].sort((a, b) => a - b);
    const failed = items
      .filter((item) => item.pk === meta.pk && item.delivery?.status === 'failed')
      .map((item) => Number(item.seq))
      .sort((a, b) => a - b);
    if (kept.join() !== failed.join())
      violate(
        'the failed count equals the failed events once the run settles',
        `${meta.conversationId} counts [${kept.join(', ')}], failed [${failed.join(', ')}]`,
      );
  }
}

/**
 * A redrive that landed (the retry route or the CLI; whatever its caller saw) puts its event back in
 * line: the event is posted again after it landed, unless it had been delivered already. A release
 * that erased a redrive landing during its pass (finding 2) leaves the event failed, listed, never sent.
 */
function checkRedrivesTakenUp(world: World, violate: Violate) {
  for (const { eventId, postsBefore } of world.redrives) {
    const posts = world.posts.filter((post) => post.eventId === eventId);
    const taken = posts.some((post) => post.index >= postsBefore || post.answer === 'ok');
    if (!taken)
      violate(
        'every redrive that landed is taken up',
        `${eventId} redriven after post ${postsBefore}, not posted since`,
      );
  }
}

async function checkFailedListed(items: Item[], deps: Deps, violate: Violate) {
  const listed = new Set((await listFailedEvents(deps)).map((event) => event.id));
  for (const item of items.filter((entry) => entry.delivery?.status === 'failed')) {
    if (!listed.has(String(item.id)))
      violate('every failed event is listed', `${item.id} failed but not listed`);
  }
}

/** Pages the Agent API's transcript to the end (following `next`) and finds every message a caller was told is stored. */
async function checkReachable(
  auth: Record<string, string>,
  clientMessages: { text: string; conversationId: string; messageId: string }[],
  agentMessages: { text: string; conversationId: string; id: string }[],
  violate: Violate,
) {
  const seen = new Map<string, Set<string>>();
  const transcriptOf = async (conversationId: string) => {
    const cached = seen.get(conversationId);
    if (cached) return cached;
    const ids = new Set<string>();
    let after: string | undefined;
    for (let page = 0; page < 200; page++) {
      const query = `limit=3${after ? `&after=${encodeURIComponent(after)}` : ''}`;
      const reply: Reply = await invoke(
        'GET',
        `/agent/conversations/${conversationId}/messages?${query}`,
        undefined,
        auth,
      );
      for (const message of reply.body?.messages ?? []) ids.add(`${message.id}|${message.text ?? ''}`);
      after = reply.body?.next;
      if (!after) break;
    }
    seen.set(conversationId, ids);
    return ids;
  };
  for (const message of clientMessages) {
    const ids = await transcriptOf(message.conversationId);
    if (!ids.has(`${message.messageId}|${message.text}`))
      violate(
        'every 2xx client message is reachable by paging the Agent API',
        `${message.messageId} (${message.text}) not found`,
      );
  }
  for (const message of agentMessages) {
    const ids = await transcriptOf(message.conversationId);
    if (!ids.has(`${message.id}|${message.text}`))
      violate(
        'every accepted agent message is reachable by paging the Agent API',
        `${message.id} (${message.text}) not found`,
      );
  }
}

/** Every waiting or active conversation shows up when an agent of both destinations pages its list to the end. */
async function checkConversationsListed(items: Item[], auth: Record<string, string>, violate: Violate) {
  const listed = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < 200; page++) {
    const query = `limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const reply = await invoke('GET', `/agent/conversations?${query}`, undefined, auth);
    for (const conversation of reply.body?.conversations ?? []) listed.add(conversation.conversationId);
    cursor = reply.body?.next;
    if (!cursor) break;
  }
  for (const meta of items.filter((item) => item.sk === 'META' && item.status !== 'closed')) {
    if (!listed.has(String(meta.conversationId)))
      violate(
        'every open conversation is reachable by paging the Agent API',
        `${meta.conversationId} not listed`,
      );
  }
}

function fingerprint(trace: string[]): string {
  let hash = 0x811c9dc5;
  for (const char of trace.join('\n')) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return `${trace.length}:${hash.toString(16)}`;
}
