import type { Deps } from '#domain/shared/deps.ts';
import { type BaseUrlSources, chooseBaseUrl, noBaseHint } from '../base-url.ts';
import { listFlag, storeCommand, UsageError } from '../command.ts';

/** The base every channel of the store was created with, when they agree on one: an agent's links go there too. */
async function sharedChannelBase(deps: Deps): Promise<string | undefined> {
  const { listChannels } = await import('#use-cases/admin/list-channels.ts');
  const bases = new Set((await listChannels(deps)).map((channel) => channel.baseUrl));
  const [only] = bases;
  return bases.size === 1 ? only : undefined;
}

/** What an agent application and the console need: shown when a token is made, never again. */
async function agentAccess(deps: Deps, bases: BaseUrlSources, employeeId: string, token: string) {
  const { agentApiUrl, consoleUrl } = await import('#use-cases/admin/urls.ts');
  const base = chooseBaseUrl({ ...bases, stored: await sharedChannelBase(deps) });
  const links = base && { agentApiUrl: agentApiUrl(base), consoleUrl: consoleUrl(base, token) };
  return {
    data: { employeeId, agentToken: token, ...links },
    text: links ? `Agent API: ${links.agentApiUrl}\nConsole: ${links.consoleUrl}` : `(${noBaseHint})`,
  };
}

/** The conversations the agent held that went back to waiting, for the command's text output. */
function requeuedNote(conversationIds: string[]): string {
  if (conversationIds.length === 0) return '';
  return `\n${conversationIds.length} accepted conversation(s) back to waiting: ${conversationIds.join(', ')}`;
}

export const agentCommands = [
  storeCommand({
    group: 'agent',
    name: 'create',
    creates: true,
    flags: {
      'first-name': 'required',
      'last-name': 'required',
      'avatar-url': 'optional',
      destinations: 'required',
      id: 'optional',
      'base-url': 'optional',
    },
    usage:
      '--first-name F --last-name L [--avatar-url U] --destinations D1,D2 [--id EMPLOYEE_ID] [--base-url U]',
    async run(deps, { flags, bases }) {
      const { createAgent } = await import('#use-cases/admin/create-agent.ts');
      const { agent, token } = await createAgent(deps, {
        firstName: flags['first-name'],
        lastName: flags['last-name'],
        ...(flags['avatar-url'] !== undefined && { avatarUrl: flags['avatar-url'] }),
        destinations: listFlag(flags.destinations),
        ...(flags.id !== undefined && { employeeId: flags.id }),
      });
      const access = await agentAccess(deps, bases, agent.employeeId, token);
      return {
        data: access.data,
        text:
          `Agent: ${agent.employeeId}\nAgent token: ${token}\n${access.text}\n` +
          '(shown only now: the token is stored hashed; use rotate-token to get a new one)',
      };
    },
  }),
  storeCommand({
    group: 'agent',
    name: 'list',
    flags: {},
    usage: '',
    async run(deps) {
      const { listAgents } = await import('#use-cases/admin/list-agents.ts');
      const agents = await listAgents(deps);
      const lines = agents.map((a) =>
        [
          a.employeeId,
          `${a.firstName} ${a.lastName}`,
          `destinations: ${a.destinations.join(', ') || 'none'}`,
          a.online ? 'online' : 'offline',
          ...(a.revoked ? ['revoked'] : []),
        ].join('\t'),
      );
      return { data: agents, text: lines.length === 0 ? 'No agents' : lines.join('\n') };
    },
  }),
  storeCommand({
    group: 'agent',
    name: 'update',
    target: '<employeeId>',
    flags: {
      'first-name': 'optional',
      'last-name': 'optional',
      'avatar-url': 'optional',
      destinations: 'optional',
    },
    usage: '[--first-name F] [--last-name L] [--avatar-url U] [--destinations D1,D2]',
    check({ flags }) {
      if (Object.values(flags).every((value) => value === undefined)) {
        throw new UsageError(
          'nothing to update: give --first-name, --last-name, --avatar-url or --destinations',
        );
      }
    },
    async run(deps, { target: employeeId, flags }) {
      const changes = {
        ...(flags['first-name'] !== undefined && { firstName: flags['first-name'] }),
        ...(flags['last-name'] !== undefined && { lastName: flags['last-name'] }),
        ...(flags['avatar-url'] !== undefined && { avatarUrl: flags['avatar-url'] }),
        ...(flags.destinations !== undefined && { destinations: listFlag(flags.destinations) }),
      };
      const { updateAgent } = await import('#use-cases/admin/update-agent.ts');
      const { returnedToQueue } = await updateAgent(deps, employeeId, changes);
      return {
        data: { employeeId, ...changes, returnedToQueue },
        text: `Updated ${employeeId}${requeuedNote(returnedToQueue)}`,
      };
    },
  }),
  storeCommand({
    group: 'agent',
    name: 'rotate-token',
    target: '<employeeId>',
    flags: { 'base-url': 'optional' },
    usage: '[--base-url U]',
    async run(deps, { target: employeeId, bases }) {
      const { rotateAgentToken } = await import('#use-cases/admin/rotate-agent-token.ts');
      const { token } = await rotateAgentToken(deps, employeeId);
      const access = await agentAccess(deps, bases, employeeId, token);
      return {
        data: access.data,
        text:
          `New agent token: ${token}\n${access.text}\n` +
          '(the old token no longer works; a revoked agent has its access back)',
      };
    },
  }),
  storeCommand({
    group: 'agent',
    name: 'revoke',
    target: '<employeeId>',
    flags: {},
    usage: '',
    async run(deps, { target: employeeId }) {
      const { revokeAgent } = await import('#use-cases/admin/revoke-agent.ts');
      const { returnedToQueue } = await revokeAgent(deps, employeeId);
      return {
        data: { employeeId, revoked: true, returnedToQueue },
        text:
          `Revoked ${employeeId}: its token no longer works (rotate-token gives it a new one)` +
          requeuedNote(returnedToQueue),
      };
    },
  }),
];
