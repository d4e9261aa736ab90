import { listFlag, storeCommand, UsageError } from '../command.ts';

/** What an agent application and the console need: shown when a token is made, never again. */
async function agentAccess(baseUrl: string, employeeId: string, token: string) {
  const { agentApiUrl, consoleUrl } = await import('#domain/admin.ts');
  return {
    employeeId,
    agentToken: token,
    agentApiUrl: agentApiUrl(baseUrl),
    consoleUrl: consoleUrl(baseUrl, token),
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
    async run(deps, { flags, baseUrl }) {
      const { createAgent } = await import('#domain/admin.ts');
      const { agent, token } = await createAgent(deps, {
        firstName: flags['first-name'],
        lastName: flags['last-name'],
        ...(flags['avatar-url'] !== undefined && { avatarUrl: flags['avatar-url'] }),
        destinations: listFlag(flags.destinations),
        ...(flags.id !== undefined && { employeeId: flags.id }),
      });
      const access = await agentAccess(baseUrl, agent.employeeId, token);
      return {
        data: access,
        text:
          `Agent: ${access.employeeId}\nAgent token: ${access.agentToken}\n` +
          `Agent API: ${access.agentApiUrl}\nConsole: ${access.consoleUrl}\n` +
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
      const { listAgents } = await import('#domain/admin.ts');
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
      const { updateAgent } = await import('#domain/admin.ts');
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
    async run(deps, { target: employeeId, baseUrl }) {
      const { rotateAgentToken } = await import('#domain/admin.ts');
      const { token } = await rotateAgentToken(deps, employeeId);
      const access = await agentAccess(baseUrl, employeeId, token);
      return {
        data: access,
        text:
          `New agent token: ${access.agentToken}\nConsole: ${access.consoleUrl}\n` +
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
      const { revokeAgent } = await import('#domain/admin.ts');
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
