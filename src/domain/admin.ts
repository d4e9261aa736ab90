import { agentName, writeToConversation } from '#domain/conversations.ts';
import type { Deps } from '#domain/deps.ts';
import { ConflictError, NotFoundError, ValidationError } from '#domain/errors.ts';
import { newCredential, newId, newSigningSecret } from '#domain/ids.ts';
import type { Agent, Channel, Destination } from '#domain/model.ts';
import { releaseWaitingEvents } from '#domain/outbox.ts';
import { isOnline } from '#domain/presence.ts';
import { assertWebhookAllowed, webhookPolicy } from '#domain/webhook-url.ts';
import * as z from '#domain/zod.ts';
import { channelSecretsStore } from '#store/channel-secrets.ts';
import { agentsStore, channelsStore, destinationsStore } from '#store/config-records.ts';
import { isConditionFailure } from '#store/items.ts';

/** Managing channels, destinations and agents: the command-line tool and the local runtime's first start. */

const destinationIdSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'use 1-64 letters, digits, - or _'));
const nameSchema = z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(200));

function check<T>(schema: z.ZodMiniType<T>, value: unknown, path: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues[0]?.message ?? 'invalid';
  throw new ValidationError('invalid_argument', `${path}: ${message}`, [{ path, message }]);
}

/** The Agent API base that agent applications call with their bearer token. */
export function agentApiUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/agent`;
}

/** The agent console, signed in by the token in the fragment (a fragment never reaches a server or its logs). */
export function consoleUrl(baseUrl: string, agentToken: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/console/#token=${agentToken}`;
}

/** The Operator API URL that the user pastes into DialogStudio. */
export function operatorApiUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/operator/${token}`;
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
  if (await agentsStore.get(deps.db, destination.destinationId)) {
    throw new ConflictError(
      'agent_exists',
      `${destination.destinationId} is already an agent's employee id; destinations and agents share one namespace`,
      [{ path: 'destinationId', message: 'is an employee id' }],
    );
  }
  try {
    await destinationsStore.create(deps.db, destination);
  } catch (error) {
    if (isConditionFailure(error)) {
      throw new ConflictError(
        'destination_exists',
        `Destination ${destination.destinationId} exists already`,
      );
    }
    throw error;
  }
  return destination;
}

export function listDestinations(deps: Deps) {
  return destinationsStore.list(deps.db);
}

export async function renameDestination(deps: Deps, destinationId: string, name: string) {
  await destinationsStore.update(deps.db, destinationId, { name: check(nameSchema, name, 'name') });
}

/** Removes a destination that no channel uses as its default; its open conversations stay where they are. */
export async function removeDestination(deps: Deps, destinationId: string) {
  if (!(await destinationsStore.get(deps.db, destinationId))) {
    throw new NotFoundError('destination_not_found', `No destination ${destinationId}`);
  }
  const users = (await channelsStore.list(deps.db)).filter((c) => c.defaultDestinationId === destinationId);
  if (users.length > 0) {
    const names = users.map((channel) => channel.channelId).join(', ');
    throw new ConflictError('destination_in_use', `Destination is the default of channel ${names}`);
  }
  await destinationsStore.remove(deps.db, destinationId);
}

export async function createChannel(
  deps: Deps,
  input: { name: string; defaultDestinationId: string; baseUrl?: string },
) {
  if (!(await destinationsStore.get(deps.db, input.defaultDestinationId))) {
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
  await channelsStore.create(deps.db, channel);
  return { channel, token };
}

/** A new token for the channel; the old API URL stops working at once. */
export async function rotateChannelToken(deps: Deps, channelId: string) {
  const { token, secretHash } = newCredential(channelId);
  await channelsStore.update(deps.db, channelId, { secretHash });
  return { token };
}

/** Channels as the command-line tool shows them: no secrets. */
export async function listChannels(deps: Deps) {
  const channels = await channelsStore.list(deps.db);
  return channels.map(({ secretHash: _hash, agentPlatformSecret: _secret, ...visible }) => visible);
}

/**
 * Sets (or with `undefined` clears) the channel's agent-platform URL, where client events go as
 * signed notifications. Returns a new signing secret, shown once; events that waited for the URL go out.
 */
export async function setAgentPlatform(deps: Deps, channelId: string, url: string | undefined) {
  if (!(await channelsStore.get(deps.db, channelId))) {
    throw new NotFoundError('channel_not_found', `No channel ${channelId}`);
  }
  if (url === undefined) {
    await channelsStore.update(deps.db, channelId, {
      agentPlatformUrl: undefined,
      agentPlatformSecret: undefined,
    });
    await channelSecretsStore.setPlatformSecret(deps.db, channelId, undefined);
    return { channelId };
  }
  // The agent platform is the user's own service, not DialogStudio: the DialogStudio host list does not apply.
  const checked = await assertWebhookAllowed(url, { ...webhookPolicy(deps.config), allowedHosts: [] });
  const secret = newSigningSecret();
  // The secret first, in an item of its own: the channel, which many functions read, never holds it.
  await channelSecretsStore.setPlatformSecret(deps.db, channelId, secret);
  await channelsStore.update(deps.db, channelId, {
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
    if (!(await destinationsStore.get(deps.db, destinationId))) {
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
  if (await destinationsStore.get(deps.db, employeeId)) {
    throw new ConflictError(
      'destination_exists',
      `${employeeId} is already a destination id; destinations and agents share one namespace`,
      [{ path: 'employeeId', message: 'is a destination id' }],
    );
  }
  await assertDestinationsExist(deps, input.destinations);
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
  try {
    await agentsStore.create(deps.db, agent);
  } catch (error) {
    if (isConditionFailure(error))
      throw new ConflictError('agent_exists', `Agent ${employeeId} exists already`);
    throw error;
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
      for (const listed of page) {
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
      const last = page.at(-1);
      if (page.length < 200 || !last) break;
      after = `${last.createdAt}#${last.conversationId}`;
    }
  }
  return returned;
}

async function existingAgent(deps: Deps, employeeId: string): Promise<Agent> {
  const agent = await agentsStore.get(deps.db, employeeId);
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
  await agentsStore.update(deps.db, employeeId, {
    ...(changes.firstName !== undefined && { firstName: check(nameSchema, changes.firstName, 'firstName') }),
    ...(changes.lastName !== undefined && { lastName: check(nameSchema, changes.lastName, 'lastName') }),
    ...(changes.avatarUrl !== undefined && {
      avatarUrl: check(avatarSchema, changes.avatarUrl, 'avatarUrl'),
    }),
    ...(changes.destinations && { destinations: [...new Set(changes.destinations)] }),
  });
  const left = before.destinations.filter((queue) => !changes.destinations?.includes(queue));
  if (!changes.destinations || left.length === 0) return { returnedToQueue: [] };
  const reason = `${agentName(before)} left the destination`;
  return { returnedToQueue: await returnToQueue(deps, employeeId, left, reason) };
}

export async function listAgents(deps: Deps) {
  return (await agentsStore.list(deps.db)).map((agent) => agentSummary(deps, agent));
}

/** A new token for the agent (and its access back, if it was revoked); the old token stops working at once. */
export async function rotateAgentToken(deps: Deps, employeeId: string) {
  const { token, secretHash } = newCredential(employeeId);
  await agentsStore.update(deps.db, employeeId, { secretHash, revoked: false });
  return { token };
}

/**
 * Takes the agent's access away at once: its token answers 401 and it counts as offline. The
 * conversations it had accepted go back to `waiting`; the ids of those are returned.
 */
export async function revokeAgent(deps: Deps, employeeId: string) {
  const agent = await existingAgent(deps, employeeId);
  await agentsStore.update(deps.db, employeeId, { revoked: true, online: false });
  const queues = [...agent.destinations, employeeId];
  const reason = `${agentName(agent)} no longer has access`;
  return { returnedToQueue: await returnToQueue(deps, employeeId, queues, reason) };
}
