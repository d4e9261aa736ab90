import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FinalizeRequestMiddleware, MetadataBearer } from '@smithy/types';
import type { Scheduler } from 'fast-check';
import { loadConfig } from '#config';
import { classifyResponse } from '#delivery/send.ts';
import { buildDeps, type Wired } from '#deps';
import type { AttemptOutcome } from '#domain/outbox/delivery.ts';
import { conversationOfMessageId, seqOfMessageId } from '#store/keys.ts';
import type { Db } from '#store/table.ts';

/**
 * The simulated world: every actor (a request, a deliverer, the sweep, a timer) runs in this one
 * process, and one store call or webhook post is in flight at a time, chosen by fast-check's
 * scheduler. Faults are injected under the real store adapters, on the real DynamoDB client, so
 * every store call of every use case can fail as DynamoDB and Lambda do.
 */

/** The actor's process died here: it stops, and nothing after this point of it runs. */
export class Crash extends Error {
  constructor() {
    super('simulated crash');
    this.name = 'Crash';
  }
}

export const faultKinds = [
  'failBefore', // a retryable error before sending; the SDK retries and succeeds
  'failBeforeAll', // every attempt fails before sending: the caller sees the error, nothing landed
  'landThenFail', // the write lands, the answer is an error; the SDK sends the same request again
  'landThenFailFinal', // the write lands, the caller sees an error after the SDK gave up
  'crashBefore', // the actor dies before this call
  'crashAfter', // the call lands, the actor dies before it sees the answer
  'stall', // the actor stalls before this call past the gap grace (the clock moves on)
  'pageCut', // a Query page ends early with a genuine LastEvaluatedKey
  'indexLag', // an index Query does not show the newest items yet
] as const;
export type FaultKind = (typeof faultKinds)[number];

export const webhookAnswers = ['ok', '4xx', '429', '429long', '5xx', 'hang', 'reset'] as const;
export type WebhookAnswer = (typeof webhookAnswers)[number];

export interface Actor {
  name: string;
  /** This actor's clock runs this far from the virtual clock (ms). */
  offsetMs: number;
  dead: boolean;
  /** Injected faults that hit this actor so far: a 2xx it got may not have been saved. */
  faults: number;
  /** The lease owner ids this actor wrote: a lease it keeps is recognised by them. */
  owners: Set<string>;
  /** Its last attempt to let go of a lease met an injected error: the lease may be kept, by no fault of the code. */
  letGoFailed: boolean;
}

export interface Post {
  index: number;
  url: string;
  eventId: string;
  conversationId: string;
  seq: number;
  type: string;
  answer: WebhookAnswer;
  at: number;
  actor: string;
  /** Faults its actor had seen when it posted: more afterwards means the outcome may not have been saved. */
  actorFaultsAtPost: number;
  actorRef: Actor;
  /** Store calls made before it was posted: the world's order of posts, saves and lease takeovers. */
  callsAtPost: number;
  /** Store calls made when its actor's save of the outcome landed; never set while the attempt is still in flight. */
  savedAtCall?: number;
}

/** An actor's step on a conversation: a lease taken or let go (the write landed), or a read of its items; at which store call. */
export interface ActorStep {
  conversationId: string;
  actor: Actor;
  atCall: number;
}

export interface StreamRecord {
  conversationId: string;
  at: number;
}

/** How long an injected stall lasts: past the engine's 15 s gap grace. */
const STALL_MS = 16_000;

function retryableError(kind: 'throttle' | 'server'): Error {
  const error =
    kind === 'throttle'
      ? Object.assign(new Error('Rate of requests exceeds the allowed throughput (injected)'), {
          name: 'ThrottlingException',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
        })
      : Object.assign(new Error('Internal server error (injected)'), {
          name: 'InternalServerError',
          $fault: 'server',
          $metadata: { httpStatusCode: 500 },
        });
  return error;
}

/** The SDK's standard retry rules (3 attempts, throttling and 5xx retried) without its waits. */
const immediateRetries = {
  async acquireInitialRetryToken() {
    return { count: 0, getRetryCount: () => 0, getRetryDelay: () => 0 };
  },
  async refreshRetryTokenForRetry(token: { count: number }, info: { errorType: string }) {
    if (info.errorType === 'CLIENT_ERROR' || token.count + 1 >= 3) throw new Error('no more retries');
    const count = token.count + 1;
    return { count, getRetryCount: () => count, getRetryDelay: () => 0 };
  },
  recordSuccess() {},
};

const writeCommands = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);

interface CallPlan {
  fault?: FaultKind;
  attempts: number;
}

/** A string attribute, whether the input is still native (document client) or marshalled. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const marshalled = (value as { S?: unknown } | undefined)?.S;
  return typeof marshalled === 'string' ? marshalled : undefined;
}

/** A number set attribute, whether the input is still native (document client) or marshalled. */
function numbers(value: unknown): number[] {
  if (value instanceof Set) return [...value].map(Number);
  const marshalled = (value as { NS?: unknown } | undefined)?.NS;
  return Array.isArray(marshalled) ? marshalled.map(Number) : [];
}

export class World {
  readonly actors = new AsyncLocalStorage<Actor>();
  clock: number;
  /** Faults by store-call index, webhook answers by post index; off once faults stop. */
  faultsOn = true;
  /** Every Query answers in small pages (the final check: paging must reach the end). */
  cutAllPages = false;
  calls = 0;
  injected: string[] = [];
  readonly posts: Post[] = [];
  readonly stream: StreamRecord[] = [];
  /** Events whose delivery was saved `failed` at some point (4xx, or retries ran out): a redrive may send them late. */
  readonly everFailed = new Set<string>();
  readonly timers: { conversationId: string; atMs: number }[] = [];
  /** Every delivery lease taken, in order: a run that takes it from a live holder finds that holder's attempt in flight. */
  readonly leasesTaken: ActorStep[] = [];
  /** Every consistent read of a conversation's items (a Get or a Query of the table), in order: what its actor could know. */
  readonly reads: ActorStep[] = [];
  /** Every lease let go (the write landed), in order. */
  readonly leasesLetGo: ActorStep[] = [];
  /** Redrives that landed (whatever their caller saw), with the number of posts made before each. */
  readonly redrives: { eventId: string; postsBefore: number }[] = [];
  readonly trace: string[] = [];
  private pendingIo = 0;
  private live = 0;
  readonly errors: { actor: string; error: unknown }[] = [];
  /** DELIVERY_TIMEOUT_MS of the Deps this world built. */
  attemptTimeoutMs = 10_000;

  constructor(
    readonly scheduler: Scheduler,
    readonly faults: (index: number) => FaultKind | undefined,
    readonly answers: WebhookAnswer[],
    readonly endpoint: string,
    readonly tableName: string,
    start: number,
  ) {
    this.clock = start;
  }

  actor(): Actor | undefined {
    return this.actors.getStore();
  }

  /** Runs `work` as an actor of its own, concurrently with the others; a Crash ends it quietly. */
  spawn(name: string, work: () => Promise<void>, offsetMs = 0): Promise<void> {
    const actor: Actor = { name, offsetMs, dead: false, faults: 0, owners: new Set(), letGoFailed: false };
    this.live++;
    return this.actors.run(actor, async () => {
      try {
        await this.gate('start');
        await work();
      } catch (error) {
        if (!(error instanceof Crash)) this.errors.push({ actor: name, error });
      } finally {
        this.live--;
      }
    });
  }

  /** Waits for the scheduler to let this actor's next step go. Outside an actor (setup, checks) it passes at once. */
  async gate(label: string): Promise<void> {
    const actor = this.actor();
    if (!actor) return;
    if (actor.dead) throw new Crash();
    await this.scheduler.schedule(Promise.resolve(label), `${actor.name}: ${label}`);
    this.trace.push(`${actor.name}: ${label}`);
    if (actor.dead) throw new Crash();
  }

  /** Runs the world until every actor has ended: one scheduled step at a time. */
  async runUntilIdle(): Promise<void> {
    let idleWaits = 0;
    for (let steps = 0; ; steps++) {
      await this.settle();
      if (this.scheduler.count() === 0) {
        if (this.live === 0) return;
        // Something outside the store is loading (a module's first import): give it real time.
        if (idleWaits++ < 500) {
          await new Promise((resolve) => setTimeout(resolve, 10));
          continue;
        }
        throw new Error(`simulation stuck: ${this.live} actors wait on nothing the scheduler holds`);
      }
      if (steps > 20_000) throw new Error('simulation did not end within 20000 steps');
      await this.scheduler.waitNext(1);
    }
  }

  /** Lets the released step finish its I/O and run on to its next gate. */
  private async settle() {
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.pendingIo === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        if (this.pendingIo === 0) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  /**
   * The webhooks (DialogStudio's and the agent platform's), answering from the seed: 2xx, 4xx, 429
   * (with a short or an hour-long Retry-After), 5xx, a hang past the attempt's timeout, a reset.
   * A hang counts as received: the far side may have processed it.
   */
  async post(url: string, body: string): Promise<AttemptOutcome> {
    const payload = JSON.parse(body) as {
      id?: string;
      type: string;
      data?: { message?: { id?: string } };
    };
    const eventId = String(payload.id ?? payload.data?.message?.id);
    await this.gate(`post ${payload.type} ${eventId}`);
    const actor = this.actor() as Actor;
    const index = this.posts.length;
    const answer: WebhookAnswer = this.faultsOn ? (this.answers[index] ?? 'ok') : 'ok';
    const conversationId = conversationOfMessageId(eventId);
    this.posts.push({
      index,
      url,
      eventId,
      conversationId,
      seq: seqOfMessageId(conversationId, eventId) ?? 0,
      type: payload.type,
      answer,
      at: this.clock,
      actor: actor.name,
      actorFaultsAtPost: actor.faults,
      actorRef: actor,
      callsAtPost: this.calls,
    });
    this.onPost?.(this.posts[index] as Post);
    const now = new Date(this.clock);
    switch (answer) {
      case 'ok':
        return classifyResponse(200, undefined, now);
      case '4xx':
        return classifyResponse(400, undefined, now);
      case '429':
        return classifyResponse(429, '1', now);
      case '429long':
        return classifyResponse(429, '3600', now);
      case '5xx':
        return classifyResponse(503, undefined, now);
      case 'hang':
        // A hanging webhook holds the attempt for its whole timeout (the DNS lookup is inside it).
        this.advance(this.attemptTimeoutMs);
        return { kind: 'retry', error: `timeout after ${this.attemptTimeoutMs} ms` };
      case 'reset':
        return { kind: 'retry', error: 'network: ECONNRESET' };
    }
  }

  onPost?: (post: Post) => void;
  /** A delivery was saved `failed` (the write landed): the `redrives` profile redrives it at once, racing the pass. */
  onSavedFailed?: (eventId: string) => void;

  hasLive(): boolean {
    return this.live > 0;
  }

  advance(ms: number) {
    this.clock += ms;
  }

  private fault(kind: FaultKind, command: string) {
    const actor = this.actor();
    if (actor) actor.faults++;
    this.injected.push(`#${this.calls - 1} ${command}: ${kind} (${actor?.name ?? 'outside'})`);
  }

  private plan(input: Record<string, unknown>): CallPlan {
    const index = this.calls++;
    const actor = this.actor();
    const fault = this.faultsOn && actor ? this.faults(index) : undefined;
    // Letting go of a lease: a write that removes its owner. An error it meets leaves the lease kept.
    if (actor && letsGoOfLease(input))
      actor.letGoFailed = fault === 'failBeforeAll' || fault === 'crashBefore';
    return { fault, attempts: 0 };
  }

  /** The table's stream, as the CDK stack filters it: new outbox entries and wake-ups. */
  private observeLanded(command: string, input: Record<string, unknown>) {
    if (command === 'PutItemCommand') {
      const item = input.Item as Record<string, unknown>;
      const conversationId = text(item.conversationId);
      const delivery = item.delivery as { status?: unknown; M?: { status?: unknown } } | undefined;
      if (conversationId && text(delivery?.status ?? delivery?.M?.status))
        this.stream.push({ conversationId, at: this.clock });
    }
    const key = (input.Item ?? input.Key) as Record<string, unknown> | undefined;
    const sk = text(key?.sk);
    // The delivery state saved is the update's one map value (its placeholder is generated); the
    // condition's status is a plain string.
    const values = Object.values((input.ExpressionAttributeValues ?? {}) as Record<string, unknown>);
    const savedFailed = values.some((value) => {
      const saved = value as { status?: unknown; M?: { status?: unknown } } | undefined;
      return text(saved?.status ?? saved?.M?.status) === 'failed';
    });
    const actor = this.actor();
    if (command === 'UpdateItemCommand' && sk?.startsWith('MSG#') && actor) {
      // An attempt's outcome saved: the latest unsaved post of this event by this actor is no longer in flight.
      const eventId = `${String(text(key?.pk)).slice('CONV#'.length)}-${Number(sk.slice('MSG#'.length))}`;
      const saved = this.posts.findLast((post) => post.eventId === eventId && post.actorRef === actor);
      if (saved && saved.savedAtCall === undefined) saved.savedAtCall = this.calls;
    }
    if (
      command === 'UpdateItemCommand' &&
      sk === 'META' &&
      actor &&
      /SET leaseOwner = /.test(String(input.UpdateExpression))
    ) {
      const conversationId = String(text(key?.pk)).slice('CONV#'.length);
      this.leasesTaken.push({ conversationId, actor, atCall: this.calls });
    }
    if (command === 'UpdateItemCommand' && sk === 'META' && actor && letsGoOfLease(input)) {
      const conversationId = String(text(key?.pk)).slice('CONV#'.length);
      this.leasesLetGo.push({ conversationId, actor, atCall: this.calls });
    }
    if (command === 'UpdateItemCommand' && sk?.startsWith('MSG#') && savedFailed) {
      const eventId = `${String(text(key?.pk)).slice('CONV#'.length)}-${Number(sk.slice('MSG#'.length))}`;
      this.everFailed.add(eventId);
      this.onSavedFailed?.(eventId);
    }
    if (
      command === 'UpdateItemCommand' &&
      sk === 'META' &&
      /ADD redriven /.test(String(input.UpdateExpression))
    ) {
      const conversationId = String(text(key?.pk)).slice('CONV#'.length);
      for (const seq of numbers((input.ExpressionAttributeValues as Record<string, unknown>)[':seq']))
        this.redrives.push({ eventId: `${conversationId}-${seq}`, postsBefore: this.posts.length });
    }
    if ((command === 'PutItemCommand' || command === 'UpdateItemCommand') && sk?.startsWith('WAKE#')) {
      this.stream.push({ conversationId: String(text(key?.pk)).slice('CONV#'.length), at: this.clock });
    }
  }

  /** A DynamoDB client whose every call passes the scheduler and may meet a fault. */
  db(retentionDays = 0): Db {
    const client = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: this.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      // biome-ignore lint/suspicious/noExplicitAny: a RetryStrategyV2 with the SDK's rules and no waits
      retryStrategy: immediateRetries as any,
    });
    const stack = client.middlewareStack;
    // Outermost: the scheduler's gate, crashes, stalls, page cuts, index lag, and errors after the SDK gave up.
    stack.add(
      (next, context) => async (args) => {
        const command = String(context.commandName);
        const input = args.input as Record<string, unknown>;
        await this.gate(`${command.replace('Command', '')} ${describe(input)}`);
        const owner = (input.ExpressionAttributeValues as Record<string, unknown> | undefined)?.[':owner'];
        if (typeof owner === 'string') this.actor()?.owners.add(owner);
        const plan = this.plan(input);
        (context as { simPlan?: CallPlan }).simPlan = plan;
        const read = conversationRead(command, input);
        const reader = this.actor();
        if (read && reader) this.reads.push({ conversationId: read, actor: reader, atCall: this.calls });
        const { fault } = plan;
        if (fault === 'crashBefore') {
          this.fault(fault, command);
          const actor = this.actor() as Actor;
          actor.dead = true;
          throw new Crash();
        }
        if (fault === 'stall') {
          this.fault(fault, command);
          this.advance(STALL_MS);
        }
        if (command === 'QueryCommand' && (fault === 'pageCut' || this.cutAllPages)) {
          if (fault) this.fault(fault, command);
          const limit = typeof input.Limit === 'number' ? input.Limit : 1000;
          args.input = { ...input, Limit: Math.max(1, Math.min(limit, 1 + (this.calls % 3))) };
        }
        (context as { simInput?: unknown }).simInput = args.input;
        this.pendingIo++;
        let result: Awaited<ReturnType<typeof next>>;
        try {
          result = await next(args);
        } finally {
          this.pendingIo--;
        }
        if (fault === 'indexLag' && command === 'QueryCommand' && input.IndexName) {
          this.fault(fault, command);
          const output = result.output as { Items?: unknown[]; Count?: number };
          if (output.Items && output.Items.length > 0) {
            output.Items = output.Items.slice(0, -1);
            output.Count = output.Items.length;
          }
        }
        if (fault === 'crashAfter') {
          this.fault(fault, command);
          (this.actor() as Actor).dead = true;
          throw new Crash();
        }
        if (fault === 'landThenFailFinal' && writeCommands.has(command)) {
          this.fault(fault, command);
          throw retryableError('server');
        }
        return result;
      },
      { step: 'initialize', priority: 'low', name: 'simGate' },
    );
    // Inside the SDK's retry loop: each attempt fails before sending, or lands and then fails.
    const perAttempt: FinalizeRequestMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
      const plan = (context as { simPlan?: CallPlan }).simPlan;
      const command = String(context.commandName);
      const attempt = plan ? plan.attempts++ : 0;
      const fault = plan?.fault;
      if ((fault === 'failBefore' && attempt === 0) || fault === 'failBeforeAll') {
        this.fault(fault, command);
        throw retryableError(attempt % 2 === 0 ? 'throttle' : 'server');
      }
      const result = await next(args);
      const input = (context as { simInput?: Record<string, unknown> }).simInput;
      if (writeCommands.has(command) && input) this.observeLanded(command, input);
      if (fault === 'landThenFail' && attempt === 0 && writeCommands.has(command)) {
        this.fault(fault, command);
        throw retryableError('server');
      }
      return result;
    };
    stack.addRelativeTo(perAttempt, {
      relation: 'after',
      toMiddleware: 'retryMiddleware',
      name: 'simAttemptFaults',
    });
    const doc = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
    return { client, doc, tableName: this.tableName, retentionDays };
  }

  /** The Deps a Lambda handler would build (the one composition root), over the faulty client; `now` is the calling actor's clock. */
  deps(env: Record<string, string>): Wired {
    const config = loadConfig({ ...env, TABLE_NAME: this.tableName, DYNAMODB_ENDPOINT: this.endpoint });
    this.attemptTimeoutMs = config.DELIVERY_TIMEOUT_MS;
    return {
      ...buildDeps({
        config,
        db: this.db(config.RETENTION_DAYS),
        now: () => new Date(this.clock + (this.actor()?.offsetMs ?? 0)),
      }),
      outboxWritten: () => {},
    };
  }
}

/** A write that removes the lease's owner: letting go, or giving up after an error. */
function letsGoOfLease(input: Record<string, unknown>): boolean {
  return /REMOVE[^=]*leaseOwner/.test(String(input.UpdateExpression ?? ''));
}

/** The conversation whose items a Get or a table Query reads (an index Query is no consistent read). */
function conversationRead(command: string, input: Record<string, unknown>): string | undefined {
  const values =
    command === 'GetItemCommand'
      ? [(input.Key as Record<string, unknown> | undefined)?.pk]
      : command === 'QueryCommand' && !input.IndexName
        ? Object.values((input.ExpressionAttributeValues ?? {}) as Record<string, unknown>)
        : [];
  const pk = values.map(text).find((value) => value?.startsWith('CONV#'));
  return pk?.slice('CONV#'.length);
}

/** A short, content-free description of a store call for the trace: which item or query, never values. */
function describe(input: Record<string, unknown>): string {
  const key = (input.Key ?? input.Item) as Record<string, unknown> | undefined;
  // Wake-up items carry a random id: left out, so that a trace is the same on every replay.
  if (key && text(key.pk)) return `${text(key.pk)}|${(text(key.sk) ?? '').replace(/^WAKE#.*/, 'WAKE#')}`;
  if (input.IndexName) return `index ${String(input.IndexName)}`;
  return '';
}
