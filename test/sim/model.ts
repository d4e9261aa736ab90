import fc from 'fast-check';
import { type FaultKind, faultKinds, type WebhookAnswer, webhookAnswers } from './world.ts';

/** What the actors of one run do, what faults they meet, and how the webhooks answer: all from the seed. */

export type ClientAction =
  | { kind: 'sendText' }
  | { kind: 'sendFile' }
  | { kind: 'closeChat' }
  | { kind: 'selectDestination'; destination: number }
  | { kind: 'setWebhook' };

export type AgentAction =
  | { kind: 'accept'; pick: number }
  | { kind: 'send'; pick: number; key: boolean }
  | { kind: 'transfer'; pick: number; destination: number }
  | { kind: 'close'; pick: number }
  | { kind: 'retry'; pick: number }
  | { kind: 'list' };

export type SystemAction = { kind: 'sweep' } | { kind: 'tick'; seconds: number } | { kind: 'redrive' };

/** What happens to a stream record: delivered, twice, late (after the faults), from an earlier point, or never. */
export type StreamFate = 'now' | 'twice' | 'late' | 'replay' | 'drop';

export interface Scenario {
  /** Pages cut short are among the faults: the final check pages the Agent API through them too. */
  cutPages: boolean;
  /** The channel has an agent platform (a second target for client events). */
  platform: boolean;
  /** DialogStudio's webhook is set before anything happens (else events wait for `setWebhook`). */
  webhookAtStart: boolean;
  clients: ClientAction[][];
  agents: AgentAction[][];
  system: SystemAction[];
  /** Each actor's clock offset (ms), by slot: clients, agents, system, deliverers. */
  offsets: number[];
  /** Percent of an actor's store calls that meet a fault; which ones and which kind follow from `faultSeed`. */
  faultRate: number;
  faultSeed: number;
  kinds: FaultKind[];
  answers: WebhookAnswer[];
  stream: StreamFate[];
  /** The operator redrives each event as soon as its failure is saved, racing the pass that failed it. */
  raceRedrives: boolean;
}

const pick = fc.nat({ max: 3 });

const clientAction: fc.Arbitrary<ClientAction> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'sendText' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'sendFile' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'closeChat' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('selectDestination' as const),
      destination: fc.nat({ max: 2 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'setWebhook' as const }) },
);

const agentAction: fc.Arbitrary<AgentAction> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('accept' as const), pick }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('send' as const), pick, key: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('transfer' as const), pick, destination: fc.nat({ max: 1 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), pick }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('retry' as const), pick }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'list' as const }) },
);

const systemAction: fc.Arbitrary<SystemAction> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'sweep' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('tick' as const), seconds: fc.constantFrom(1, 6, 16, 31, 61) }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'redrive' as const }) },
);

/**
 * Profiles narrow the world where a default run rarely goes: `platform-waits` has an agent platform
 * and no DialogStudio webhook until the end, webhooks answering 2xx or 429 with an hour's Retry-After;
 * `failures` has the webhook from the start, answering 2xx or 4xx, so events fail and are retried;
 * `busy` is `failures` with one agent who mostly sends, closes and retries.
 */
export const profiles = {
  default: {},
  'platform-waits': { platform: true, webhookAtStart: false, answers: ['ok', '429long'] },
  failures: { webhookAtStart: true, answers: ['ok', '4xx'] },
  busy: { webhookAtStart: true, answers: ['ok', '4xx'], busyAgents: true },
  redrives: { webhookAtStart: true, answers: ['ok', '4xx'], busyAgents: true, raceRedrives: true },
} as const satisfies Record<
  string,
  {
    platform?: boolean;
    webhookAtStart?: boolean;
    answers?: WebhookAnswer[];
    busyAgents?: boolean;
    raceRedrives?: boolean;
  }
>;
export type Profile = keyof typeof profiles;

export interface FaultOptions {
  profile?: Profile;
  /** Which fault kinds may be injected (default: all). */
  kinds?: readonly FaultKind[];
  /** Percent of store calls that meet a fault, at most. */
  maxRate?: number;
  /** DynamoDB's TTL takes part (default): days pass, conversations expire, their REMOVE records meet stream faults. */
  ttl?: boolean;
}

export function scenario(options: FaultOptions = {}): fc.Arbitrary<Scenario> {
  const kinds = options.kinds ?? faultKinds;
  const narrowed: {
    platform?: boolean;
    webhookAtStart?: boolean;
    answers?: readonly WebhookAnswer[];
    busyAgents?: boolean;
    raceRedrives?: boolean;
  } = profiles[options.profile ?? 'default'];
  // Busy agents: one agent who sends, closes and retries a lot, so events fail and are retried.
  const agents = narrowed.busyAgents
    ? fc
        .array(
          fc.oneof(
            {
              weight: 6,
              arbitrary: fc.record({ kind: fc.constant('send' as const), pick, key: fc.boolean() }),
            },
            // Racing redrives want open conversations: that agent never closes one.
            ...(narrowed.raceRedrives
              ? []
              : [{ weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), pick }) }]),
            { weight: 2, arbitrary: fc.record({ kind: fc.constant('retry' as const), pick }) },
          ),
          { minLength: 4, maxLength: 10 },
        )
        .map((actions) => [actions])
    : fc.array(fc.array(agentAction, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 2 });
  // Outside the record, so that the other profiles draw exactly what they drew before it existed (their seeds replay).
  const raceRedrives = narrowed.raceRedrives ?? false;
  const generated: fc.Arbitrary<Omit<Scenario, 'raceRedrives'>> = fc.record({
    cutPages: fc.constant(kinds.includes('pageCut')),
    platform: narrowed.platform === undefined ? fc.boolean() : fc.constant(narrowed.platform),
    webhookAtStart:
      narrowed.webhookAtStart === undefined
        ? fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, fc.constant(false))
        : fc.constant(narrowed.webhookAtStart),
    clients: fc.array(fc.array(clientAction, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 2 }),
    agents,
    system: fc.array(systemAction, { maxLength: 6 }),
    offsets: fc.array(fc.integer({ min: -2_000, max: 2_000 }), { minLength: 6, maxLength: 6 }),
    faultRate: kinds.length === 0 ? fc.constant(0) : fc.integer({ min: 0, max: options.maxRate ?? 20 }),
    faultSeed: fc.nat(),
    kinds: fc.constant([...kinds]),
    answers: fc.array(
      narrowed.answers
        ? fc.constantFrom(...narrowed.answers)
        : fc.oneof(
            { weight: 4, arbitrary: fc.constant<WebhookAnswer>('ok') },
            { weight: 2, arbitrary: fc.constant<WebhookAnswer>('4xx') },
            { weight: 1, arbitrary: fc.constant<WebhookAnswer>('429long') },
            fc.constantFrom(...webhookAnswers),
          ),
      { maxLength: 16 },
    ),
    stream: fc.array(
      fc.oneof(
        { weight: 6, arbitrary: fc.constant<StreamFate>('now') },
        fc.constantFrom<StreamFate>('twice', 'late', 'replay', 'drop'),
      ),
      { maxLength: 12 },
    ),
  });
  return generated.map((drawn) => ({ ...drawn, raceRedrives }));
}

/** The fault, if any, that store call `index` meets: a hash of the seed and the index, so a replay meets the same. */
export function faultAt(scenario: Scenario, index: number): FaultKind | undefined {
  let hash = Math.imul(scenario.faultSeed ^ Math.imul(index + 1, 0x9e3779b1), 0x85ebca6b) >>> 0;
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35) >>> 0;
  hash = (hash ^ (hash >>> 16)) >>> 0;
  if (hash % 100 >= scenario.faultRate) return undefined;
  return scenario.kinds[Math.floor(hash / 100) % scenario.kinds.length];
}
