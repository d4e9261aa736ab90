import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * `npm run simulate`: runs the deterministic simulation (test/sim) for as many seeds as asked, or
 * replays one. It runs the simulation's vitest file, whose module mocks put the handlers and the
 * delivery engine over the simulated world, with the options passed in the environment.
 */

const usage = `Usage: npm run simulate -- [--seeds N] [--seed S] [--path P] [--faults KINDS] [--rate PERCENT] [--profile NAME] [--no-ttl] [--explore] [--verbose]

  --seeds N      runs N seeds (default 100); with --explore, N seeds from --seed on, one line each
  --seed S       the first seed (fast-check's seed): replays the run a failure printed
  --path P       with --seed, replays the shrunk counterexample fast-check printed
  --faults KINDS comma-separated fault kinds (default all): failBefore, failBeforeAll, landThenFail,
                 landThenFailFinal, crashBefore, crashAfter, stall, pageCut, indexLag
  --rate PERCENT the highest share of store calls that meet a fault (default 20)
  --profile NAME default, platform-waits (an agent platform, no DialogStudio webhook until the end,
                 429 with an hour's Retry-After), failures (webhooks answer 2xx or 4xx) or busy
                 (failures, with an agent who mostly sends, closes and retries) or redrives
                 (busy, and the operator redrives each failure as it is saved, racing the pass)
  --no-ttl       leaves DynamoDB's TTL out (no days pass, nothing expires)
  --explore      does not stop at the first failure: prints, per seed, the invariants it broke
  --verbose      prints the faults injected and the replies of each run
`;

const { values } = parseArgs({
  options: {
    seeds: { type: 'string' },
    seed: { type: 'string' },
    path: { type: 'string' },
    faults: { type: 'string' },
    rate: { type: 'string' },
    profile: { type: 'string' },
    'no-ttl': { type: 'boolean' },
    explore: { type: 'boolean' },
    verbose: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  process.stdout.write(usage);
  process.exit(0);
}

const whole = (name: string, value: string | undefined) => {
  if (value !== undefined && !/^-?\d+$/.test(value)) {
    process.stderr.write(`--${name} must be a whole number\n\n${usage}`);
    process.exit(2);
  }
  return value;
};

const env: Record<string, string> = {
  ...(process.env as Record<string, string>),
  SIM_SEEDS: whole('seeds', values.seeds) ?? (values.path ? '1' : '100'),
};
const seed = whole('seed', values.seed);
env.SIM_SEED = seed ?? 'random';
if (values.path) env.SIM_PATH = values.path;
if (values.faults) env.SIM_FAULTS = values.faults;
const rate = whole('rate', values.rate);
if (rate !== undefined) env.SIM_FAULT_RATE = rate;
if (values.profile) env.SIM_PROFILE = values.profile;
if (values['no-ttl']) env.SIM_TTL = '0';
if (values.explore) env.SIM_EXPLORE = '1';
if (values.verbose) env.SIM_VERBOSE = '1';

const root = resolve(import.meta.dirname, '..');
const run = spawnSync(
  process.execPath,
  [resolve(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test/sim/simulation.test.ts'],
  { cwd: root, env, stdio: 'inherit' },
);
process.exit(run.status ?? 1);
