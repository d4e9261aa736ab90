import type { Deps } from '#domain/shared/deps.ts';
import type { BaseUrlSources } from './base-url.ts';

/** What a command prints: `data` with `--json`, `text` for people. */
export interface Output {
  data: unknown;
  text: string;
}

/**
 * A mistake in the command line: exit 2, with the usage of the command when it is known, of them all
 * otherwise, or `alone` when the message says all there is to say (an unknown command and its nearest).
 */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: Command,
    readonly alone = false,
  ) {
    super(message);
  }
}

/** A command that could not do its job for a reason it explains itself: the message as is, exit 1. */
export class CommandFailure extends Error {}

/** Every command flag and its kind; each command picks the ones it takes. */
export const flagKinds = {
  name: 'string',
  id: 'string',
  'default-destination': 'string',
  'base-url': 'string',
  'first-name': 'string',
  'last-name': 'string',
  'avatar-url': 'string',
  destinations: 'string',
  url: 'string',
  'add-agent': 'string',
  'move-to': 'string',
  timezone: 'string',
  hours: 'string',
  'closed-on': 'string',
  destination: 'string',
  shortcut: 'string',
  title: 'string',
  text: 'string',
  clear: 'boolean',
  all: 'boolean',
  // Automatic replies and their sender (channel update, destination update).
  'system-name': 'string',
  'system-avatar': 'string',
  'offline-reply': 'string',
  'waiting-reply': 'string',
  'waiting-after': 'string',
} as const;

export type FlagName = keyof typeof flagKinds;

/** `required` flags must be given and not empty; a `repeatable` one may be given several times. */
export type FlagUse = 'required' | 'optional' | 'repeatable';

type FlagUses = Partial<Record<FlagName, FlagUse>>;

type FlagValue<K extends FlagName, U> = (typeof flagKinds)[K] extends 'boolean'
  ? boolean
  : U extends 'repeatable'
    ? string[]
    : U extends 'required'
      ? string
      : string | undefined;

export type Flags<F extends FlagUses> = { [K in keyof F & FlagName]: FlagValue<K, F[K]> };

export interface Args<F extends FlagUses = FlagUses> {
  /** The positional target (`<channelId>`, ...); empty when the command takes none. */
  target: string;
  flags: Flags<F>;
  /** Where printed URLs may come from; `chooseBaseUrl` picks one, in its order. */
  bases: BaseUrlSources;
  dataDir: string;
}

interface Declaration<F extends FlagUses> {
  group: string;
  name: string;
  /** The positional target as usage shows it, e.g. `<channelId>`; absent when the command takes none. */
  target?: string;
  flags: F;
  /** What follows the command and its target in the usage text. */
  usage: string;
  /** Makes things, so it may start a new local store where none is yet; others refuse a missing data directory. */
  creates?: boolean;
  /** Rules between flags, checked before any store is opened; throws UsageError. */
  check?: (args: Args<F>) => void;
}

export type Command = Declaration<FlagUses> & { run: (deps: Deps, args: Args) => Promise<Output> };

/**
 * A command run against the store that `openStore` chooses. Its `run` imports the domain itself:
 * that loads the AWS SDK (about half a second), which help and usage errors do without.
 */
export function storeCommand<const F extends FlagUses>(
  declaration: Declaration<F> & { run: (deps: Deps, args: Args<F>) => Promise<Output> },
): Command {
  return declaration as Command;
}

export function usageLine(command: Command): string {
  return [command.group, command.name, command.target, command.usage].filter(Boolean).join(' ');
}

/** `a,b, c` as `['a', 'b', 'c']`. */
export function listFlag(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
