import { agentName, ConversationGoneError, writeToConversation } from '#domain/conversations.ts';
import type { Deps } from '#domain/deps.ts';
import { ConflictError, NotFoundError, ValidationError } from '#domain/errors.ts';
import { newCredential, newId, newSigningSecret } from '#domain/ids.ts';
import {
  type Agent,
  type Channel,
  type Conversation,
  credentialVersionOf,
  type Destination,
} from '#domain/model.ts';
import { releaseWaitingEvents } from '#domain/outbox.ts';
import type { IdHolder } from '#domain/ports.ts';
import { isOnline } from '#domain/presence.ts';
import { withoutTrailingSlashes } from '#domain/shared/base-url.ts';
import { assertWebhookAllowed, webhookPolicy } from '#domain/webhook-url.ts';
import * as z from '#domain/zod.ts';

/** Managing channels, destinations and agents: the command-line tool and the local runtime's first start. */

const destinationIdSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'use 1-64 letters, digits, - or _'));
const nameSchema = z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(200));

/** Turns a store's "the record is gone" into the caller's 404. */
function found(exists: boolean, kind: 'channel' | 'destination' | 'agent', id: string): void {
  if (!exists) throw new NotFoundError(`${kind}_not_found`, `No ${kind} ${id}`);
}

function check<T>(schema: z.ZodMiniType<T>, value: unknown, path: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues[0]?.message ?? 'invalid';
  throw new ValidationError('invalid_argument', `${path}: ${message}`, [{ path, message }]);
}

/** The Agent API base that agent applications call with their bearer token. */
export function agentApiUrl(baseUrl: string): string {
  return `${withoutTrailingSlashes(baseUrl)}/agent`;
}

/** The agent console, signed in by the token in the fragment (a fragment never reaches a server or its logs). */
export function consoleUrl(baseUrl: string, agentToken: string): string {
  return `${withoutTrailingSlashes(baseUrl)}/console/#token=${agentToken}`;
}

/** The Operator API URL that the user pastes into DialogStudio. */
export function operatorApiUrl(baseUrl: string, token: string): string {
  return `${withoutTrailingSlashes(baseUrl)}/operator/${token}`;
}

/**
 * A new agent group. Its id shares one namespace with agents' employee ids, because DialogStudio
 * names both with one `destinationId`: a group named like an agent would take over its personal queue.
 */
export async function createDestination(deps: Deps, input: { destinationId?: string; name: string }) {
  const destination: Destination = {
    destinationId: check(destinationIdSchema, input.destinationId ?? newId('dst'), 'destinationId'),
    name: check(nameSchema, input.name, 'name'),
    createdAt: deps.now().toISOString(),
  };
  await reserveId(deps, destination.destinationId, 'destination', 'destinationId');
  if (!(await deps.store.directory.destinations.create(destination))) {
    throw new ConflictError('destination_exists', `Destination ${destination.destinationId} exists already`);
  }
  return destination;
}

/**
 * Takes an id of the namespace agents and destinations share (DialogStudio names both with one
 * `destinationId`), for good: an id the other kind holds, or a removed destination's, is refused, so
 * a new agent can never inherit a group's conversations or be listed as one.
 */
async function reserveId(deps: Deps, id: string, kind: 'agent' | 'destination', path: string) {
  const { directory } = deps.store;
  const other: IdHolder['kind'] = kind === 'agent' ? 'destination' : 'agent';
  // Ids taken before reservations existed have none: their records answer for them.
  const otherRecord =
    kind === 'agent' ? await directory.destinations.get(id) : await directory.agents.get(id);
  const holder: IdHolder = otherRecord
    ? { kind: other, reservedAt: '' }
    : await directory.reserveId(id, kind, deps.now().toISOString());
  if (holder.removedAt !== undefined) {
    throw new ConflictError(
      'id_reserved',
      `${id} belonged to a removed destination; an id is never used again`,
      [{ path, message: 'belonged to a removed destination' }],
    );
  }
  if (holder.kind !== kind) {
    throw new ConflictError(
      `${other}_exists`,
      `${id} is already ${other === 'agent' ? "an agent's employee id" : 'a destination id'}; destinations and agents share one namespace`,
      [{ path, message: other === 'agent' ? 'is an employee id' : 'is a destination id' }],
    );
  }
}

export function listDestinations(deps: Deps) {
  return deps.store.directory.destinations.list();
}

export async function renameDestination(deps: Deps, destinationId: string, name: string) {
  const checked = check(nameSchema, name, 'name');
  found(
    await deps.store.directory.destinations.update(destinationId, { name: checked }),
    'destination',
    destinationId,
  );
}

/** The open (waiting or active) conversations of a queue, read page by page from the queue index. */
async function openConversationsIn(deps: Deps, queue: string): Promise<Conversation[]> {
  const open: Conversation[] = [];
  for (const status of ['waiting', 'active'] as const) {
    let after: string | undefined;
    for (;;) {
      const page = await deps.store.conversations.queue(queue, status, { after, limit: 200 });
      open.push(...page.conversations);
      if (!page.next) break;
      after = page.next;
    }
  }
  return open;
}

/**
 * Moves the open conversations of a removed (or removing) destination to `to`, or, for those that
 * reached it after the check, to their channel's default. Each write is guarded: only a conversation
 * still in `from` moves. Status and assignee stay; an assignee who is not in the new queue lapses.
 */
async function moveConversations(deps: Deps, from: string, to: Destination | undefined): Promise<string[]> {
  const moved: string[] = [];
  const channels = new Map((await deps.store.directory.channels.list()).map((c) => [c.channelId, c]));
  for (const listed of await openConversationsIn(deps, from)) {
    const targetId = to?.destinationId ?? channels.get(listed.channelId)?.defaultDestinationId;
    if (!targetId || targetId === from) continue;
    const target = to ?? (await deps.store.directory.destinations.get(targetId));
    const outcome = await writeToConversation(
      deps,
      listed.conversationId,
      {
        set: { destinationId: targetId },
        queue: { ...listed, destinationId: targetId },
        guard: { destinationIn: [from] },
      },
      [
        {
          content: {
            from: 'system',
            type: 'note',
            note: 'moved',
            text: `Moved to ${target?.name ?? targetId}: destination ${from} was removed`,
          },
        },
      ],
    ).catch((error: unknown) => {
      if (error instanceof ConversationGoneError) return { ok: false as const };
      throw error;
    });
    if (outcome.ok) moved.push(listed.conversationId);
  }
  return moved;
}

/**
 * Removes a destination; its id stays reserved for good. Refused while a channel uses it as its
 * default, and, unless `moveTo` names the destination that takes them over, while agents list it or
 * conversations are open in it: the reason names them. With `moveTo` its agents list that one
 * instead and its open conversations move there.
 */
export async function removeDestination(
  deps: Deps,
  destinationId: string,
  options: { moveTo?: string } = {},
) {
  const { directory } = deps.store;
  if (!(await directory.destinations.get(destinationId))) {
    throw new NotFoundError('destination_not_found', `No destination ${destinationId}`);
  }
  const defaults = (await directory.channels.list()).filter((c) => c.defaultDestinationId === destinationId);
  if (defaults.length > 0) {
    const names = defaults.map((channel) => channel.channelId).join(', ');
    throw new ConflictError('destination_in_use', `Destination is the default of channel ${names}`);
  }
  let moveTo: Destination | undefined;
  if (options.moveTo !== undefined) {
    moveTo = await directory.destinations.get(options.moveTo);
    if (!moveTo || options.moveTo === destinationId) {
      throw new NotFoundError('destination_not_found', `No other destination ${options.moveTo} to move to`, [
        { path: 'moveTo', message: 'no such other destination' },
      ]);
    }
  }
  const members = (await directory.agents.list()).filter((a) => a.destinations.includes(destinationId));
  const open = await openConversationsIn(deps, destinationId);
  if (!moveTo && (members.length > 0 || open.length > 0)) {
    const reasons = [
      ...(members.length > 0 ? [`agents list it: ${members.map((a) => a.employeeId).join(', ')}`] : []),
      ...(open.length > 0 ? [`${open.length} conversation(s) are open in it`] : []),
    ];
    throw new ConflictError(
      'destination_in_use',
      `Destination ${destinationId} is in use (${reasons.join('; ')}): move them with --move-to ID`,
    );
  }
  for (const member of members) {
    const destinations = [
      ...new Set(
        member.destinations.map((id) => (id === destinationId ? (moveTo?.destinationId ?? id) : id)),
      ),
    ];
    await directory.agents.update(member.employeeId, { destinations });
  }
  const moved = await moveConversations(deps, destinationId, moveTo);
  await directory.destinations.remove(destinationId, deps.now().toISOString());
  // What reached it between the look and the removal still finds a queue.
  moved.push(...(await moveConversations(deps, destinationId, moveTo)));
  return { movedAgents: members.map((a) => a.employeeId), movedConversations: [...new Set(moved)] };
}

export async function createChannel(
  deps: Deps,
  input: { name: string; defaultDestinationId: string; baseUrl?: string },
) {
  if (!(await deps.store.directory.destinations.get(input.defaultDestinationId))) {
    throw new NotFoundError('destination_not_found', `No destination ${input.defaultDestinationId}`);
  }
  const channelId = newId('ch');
  const { token, secretHash } = newCredential(channelId);
  const channel: Channel = {
    channelId,
    name: check(nameSchema, input.name, 'name'),
    secretHash,
    defaultDestinationId: input.defaultDestinationId,
    ...(input.baseUrl && { baseUrl: input.baseUrl }),
    createdAt: deps.now().toISOString(),
  };
  await deps.store.directory.channels.create(channel);
  return { channel, token };
}

/** A new token for the channel; the old API URL stops working at once. */
export async function rotateChannelToken(deps: Deps, channelId: string) {
  const { token, secretHash } = newCredential(channelId);
  found(await deps.store.directory.channels.update(channelId, { secretHash }), 'channel', channelId);
  return { token };
}

/** Channels as the command-line tool shows them: no secrets. */
export async function listChannels(deps: Deps) {
  const channels = await deps.store.directory.channels.list();
  return channels.map(({ secretHash: _hash, agentPlatformSecret: _secret, ...visible }) => visible);
}

/**
 * Sets (or with `undefined` clears) the channel's agent-platform URL, where client events go as
 * signed notifications. Returns a new signing secret, shown once; events that waited for the URL go out.
 */
export async function setAgentPlatform(deps: Deps, channelId: string, url: string | undefined) {
  const { channels } = deps.store.directory;
  if (!(await channels.get(channelId))) {
    throw new NotFoundError('channel_not_found', `No channel ${channelId}`);
  }
  if (url === undefined) {
    await channels.update(channelId, {
      agentPlatformUrl: undefined,
      agentPlatformSecret: undefined,
    });
    await deps.store.directory.channelSecrets.setPlatformSecret(channelId, undefined);
    return { channelId };
  }
  // The agent platform is the user's own service, not DialogStudio: the DialogStudio host list does not apply.
  const checked = await assertWebhookAllowed(url, { ...webhookPolicy(deps.config), allowedHosts: [] });
  const secret = newSigningSecret();
  // The secret first, in an item of its own: the channel, which many functions read, never holds it.
  await deps.store.directory.channelSecrets.setPlatformSecret(channelId, secret);
  await channels.update(channelId, {
    agentPlatformUrl: checked.href,
    agentPlatformSecret: undefined,
  });
  await releaseWaitingEvents(deps, channelId, 'platform');
  return { channelId, agentPlatformUrl: checked.href, signingSecret: secret };
}

const avatarSchema = z.string().check(
  z.maxLength(2048),
  z.refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), 'must be an http(s) URL'),
);

async function assertDestinationsExist(deps: Deps, destinations: string[]) {
  for (const destinationId of destinations) {
    if (!(await deps.store.directory.destinations.get(destinationId))) {
      throw new NotFoundError('destination_not_found', `No destination ${destinationId}`, [
        { path: 'destinations', message: `no destination ${destinationId}` },
      ]);
    }
  }
}

/** An agent as the command-line tool shows it: no token hash, presence as it counts now. */
function agentSummary(deps: Deps, agent: Agent) {
  const { secretHash: _hash, ...visible } = agent;
  return { ...visible, online: isOnline(agent, deps.now(), deps.config.PRESENCE_TIMEOUT_SECONDS) };
}

export interface AgentProfileInput {
  firstName: string;
  lastName: string;
  avatarUrl?: string;
  destinations: string[];
}

/**
 * A new agent with its bearer token (shown once, stored hashed). The employee id is also a
 * destination id for DialogStudio, so it may not collide with a group's.
 */
export async function createAgent(deps: Deps, input: AgentProfileInput & { employeeId?: string }) {
  const employeeId = check(destinationIdSchema, input.employeeId ?? newId('ag'), 'employeeId');
  await assertDestinationsExist(deps, input.destinations);
  await reserveId(deps, employeeId, 'agent', 'employeeId');
  const { token, secretHash } = newCredential(employeeId);
  const agent: Agent = {
    employeeId,
    firstName: check(nameSchema, input.firstName, 'firstName'),
    lastName: check(nameSchema, input.lastName, 'lastName'),
    ...(input.avatarUrl && { avatarUrl: check(avatarSchema, input.avatarUrl, 'avatarUrl') }),
    destinations: [...new Set(input.destinations)],
    secretHash,
    revoked: false,
    online: false,
    createdAt: deps.now().toISOString(),
  };
  if (!(await deps.store.directory.agents.create(agent))) {
    throw new ConflictError('agent_exists', `Agent ${employeeId} exists already`);
  }
  return { agent: agentSummary(deps, agent), token };
}

/**
 * Puts the conversations that `employeeId` accepted in `queues` back to `waiting`, unassigned, so that
 * another agent can take them (PRODUCT.md section 3), with a system note saying why. Each write is
 * conditional on the conversation still being that agent's in one of those queues. The queue index is
 * eventually consistent, so a conversation accepted a moment earlier can be missed here; the agent use
 * cases treat a revoked or absent assignee as nobody, which covers it.
 */
async function returnToQueue(deps: Deps, employeeId: string, queues: string[], reason: string) {
  const returned: string[] = [];
  for (const queue of queues) {
    let after: string | undefined;
    for (;;) {
      const page = await deps.store.conversations.queue(queue, 'active', { after, limit: 200 });
      for (const listed of page.conversations) {
        if (listed.assignee !== employeeId) continue;
        // Guarded: only if it is still this agent's, in one of the queues it lost.
        const outcome = await writeToConversation(
          deps,
          listed.conversationId,
          {
            set: { status: 'waiting', assignee: undefined },
            queue: { ...listed, status: 'waiting' },
            guard: { assigneeIs: employeeId, destinationIn: queues },
          },
          [
            {
              content: {
                from: 'system',
                type: 'note',
                note: 'returned_to_queue',
                employeeId,
                text: `Back in the queue: ${reason}`,
              },
            },
          ],
        );
        if (outcome.ok) returned.push(listed.conversationId);
      }
      if (!page.next) break;
      after = page.next;
    }
  }
  return returned;
}

async function existingAgent(deps: Deps, employeeId: string): Promise<Agent> {
  const agent = await deps.store.directory.agents.get(employeeId);
  if (!agent) throw new NotFoundError('agent_not_found', `No agent ${employeeId}`);
  return agent;
}

/**
 * Changes an agent's profile or destinations. Conversations it had accepted in a destination it
 * leaves go back to `waiting` there; the ids of those are returned.
 */
export async function updateAgent(deps: Deps, employeeId: string, changes: Partial<AgentProfileInput>) {
  if (changes.destinations) await assertDestinationsExist(deps, changes.destinations);
  const before = await existingAgent(deps, employeeId);
  const updated = await deps.store.directory.agents.update(employeeId, {
    ...(changes.firstName !== undefined && { firstName: check(nameSchema, changes.firstName, 'firstName') }),
    ...(changes.lastName !== undefined && { lastName: check(nameSchema, changes.lastName, 'lastName') }),
    ...(changes.avatarUrl !== undefined && {
      avatarUrl: check(avatarSchema, changes.avatarUrl, 'avatarUrl'),
    }),
    ...(changes.destinations && { destinations: [...new Set(changes.destinations)] }),
  });
  found(updated, 'agent', employeeId);
  const left = before.destinations.filter((queue) => !changes.destinations?.includes(queue));
  if (!changes.destinations || left.length === 0) return { returnedToQueue: [] };
  const reason = `${agentName(before)} left the destination`;
  return { returnedToQueue: await returnToQueue(deps, employeeId, left, reason) };
}

export async function listAgents(deps: Deps) {
  return (await deps.store.directory.agents.list()).map((agent) => agentSummary(deps, agent));
}

/**
 * Ends the agent's sessions: a new credential version (tickets and connections made with the old one
 * are refused from now on, by redeem and by fan-out), then every open connection closed and forgotten.
 */
async function newSession(deps: Deps, agent: Agent, changes: Partial<Omit<Agent, 'employeeId'>>) {
  const credentialVersion = credentialVersionOf(agent) + 1;
  found(
    await deps.store.directory.agents.update(agent.employeeId, { ...changes, credentialVersion }),
    'agent',
    agent.employeeId,
  );
  for (const connection of await deps.store.live.connectionsOf(agent.employeeId)) {
    await deps.liveSessions.close(connection);
    await deps.store.live.deleteConnection(connection.connectionId);
  }
}

/**
 * A new token for the agent (and its access back, if it was revoked); the old token stops working at
 * once, and so do its live sessions and unredeemed tickets.
 */
export async function rotateAgentToken(deps: Deps, employeeId: string) {
  const agent = await existingAgent(deps, employeeId);
  const { token, secretHash } = newCredential(employeeId);
  await newSession(deps, agent, { secretHash, revoked: false });
  return { token };
}

/**
 * Takes the agent's access away at once: its token answers 401, its live sessions close, its
 * unredeemed tickets are void, and it counts as offline. The conversations it had accepted go back to
 * `waiting`; the ids of those are returned.
 */
export async function revokeAgent(deps: Deps, employeeId: string) {
  const agent = await existingAgent(deps, employeeId);
  await newSession(deps, agent, { revoked: true, online: false });
  const queues = [...agent.destinations, employeeId];
  const reason = `${agentName(agent)} no longer has access`;
  return { returnedToQueue: await returnToQueue(deps, employeeId, queues, reason) };
}
