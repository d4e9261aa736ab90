import { expect, it } from 'vitest';
import { routes } from '#api/routes.ts';
import type { Wired } from '#deps';
import { revokeAgent } from '#use-cases/admin/revoke-agent.ts';
import { type Client, seedAgent, seedChannel, tableSnapshot } from '../support/clients.ts';
import { botHistoryCases } from './bot-history.cases.ts';
import { seedBodies } from './operator-api.cases.ts';

/** The Agent API cases, run in-process against the handlers and over HTTP against the local runtime. */
export function agentApiCases(context: () => { client: Client; deps: Wired }) {
  /** A channel, a conversation waiting in `support` with the seed's pre-chat fields, and two agents of it. */
  async function waitingConversation() {
    const { client, deps } = context();
    const seeded = await seedChannel(deps);
    const { api, support, sales } = seeded;
    const opened = await client('POST', `${api}/selectDestination`, {
      ...seedBodies.selectDestination,
      userId: 'client-1',
      destinationId: support.destinationId,
      hiddenAttributes: { crmToken: 'hidden-value-123' },
    });
    await client('POST', `${api}/sendText`, { userId: 'client-1', text: 'Hello, I need help' });
    const ada = await seedAgent(deps, [support.destinationId]);
    const bob = await seedAgent(deps, [support.destinationId], 'Bob');
    const outsider = await seedAgent(deps, [sales.destinationId], 'Olga');
    const conversationId: string = opened.body.conversationId;
    return {
      ...seeded,
      client,
      deps,
      conversationId,
      ada,
      bob,
      outsider,
      path: `/agent/conversations/${conversationId}`,
    };
  }

  const agentRoutes = routes.filter((route) => route.path.startsWith('/agent/'));

  it.each(agentRoutes.map((route) => [route.name, route] as const))(
    '%s answers 401 without a valid, unrevoked bearer token',
    async (_name, route) => {
      // Prepare
      const { client, deps, conversationId, ada } = await waitingConversation();
      await revokeAgent(deps, ada.agent.employeeId);
      const path = route.path.replace('{conversationId}', conversationId);
      const before = await tableSnapshot(deps);
      // Act
      const body = route.method === 'GET' ? undefined : { online: true };
      const missing = await client(route.method, path, body);
      const wrong = await client(route.method, path, body, { authorization: 'Bearer nope.nope' });
      const revoked = await client(route.method, path, body, ada.auth);
      // Assess
      for (const reply of [missing, wrong, revoked]) {
        expect(reply.status).toBe(401);
        expect(reply.body.error.code).toBe('unauthorized');
      }
      expect(await tableSnapshot(deps)).toBe(before);
    },
  );

  it('shows the agent its profile, with the default avatar when it has none', async () => {
    const { client, deps } = context();
    const { support } = await seedChannel(deps);
    const ada = await seedAgent(deps, [support.destinationId]);
    const { createAgent } = await import('#use-cases/admin/create-agent.ts');
    const plain = await createAgent(deps, { firstName: 'No', lastName: 'Avatar', destinations: [] });

    const reply = await client('GET', '/agent/me', undefined, ada.auth);
    const noAvatar = await client('GET', '/agent/me', undefined, { authorization: `Bearer ${plain.token}` });

    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      employeeId: ada.agent.employeeId,
      firstName: 'Ada',
      lastName: 'Lovelace',
      avatarUrl: 'https://example.com/ada.png',
      destinations: [support.destinationId],
      online: false,
    });
    expect(noAvatar.body.avatarUrl).toBe(deps.config.DEFAULT_AVATAR_URL);
  });

  it('counts an agent online while its heartbeat is fresh, and offline once it stops', async () => {
    // Prepare
    const { client, deps } = context();
    const { api, support, sales } = await seedChannel(deps);
    const ada = await seedAgent(deps, [support.destinationId]);
    const hasOnline = async () => {
      const reply = await client('GET', `${api}/getDestinations`);
      return Object.fromEntries(
        reply.body.destinations.map((d: { destinationId: string; hasOnline: boolean }) => [
          d.destinationId,
          d.hasOnline,
        ]),
      );
    };
    // Act
    const presence = await client('PUT', '/agent/me/presence', { online: true }, ada.auth);
    const whileFresh = await hasOnline();
    const silentSince = Date.now() - (deps.config.PRESENCE_TIMEOUT_SECONDS + 1) * 1000;
    await deps.store.directory.agents.update(ada.agent.employeeId, {
      lastSeenAt: new Date(silentSince).toISOString(),
    });
    const afterSilence = await hasOnline();
    const meAfterSilence = await client('GET', '/agent/me', undefined, ada.auth);
    await client('PUT', '/agent/me/presence', { online: true }, ada.auth);
    const afterHeartbeat = await hasOnline();
    await client('PUT', '/agent/me/presence', { online: false }, ada.auth);
    const afterGoingOffline = await hasOnline();
    // Assess
    expect(presence.status).toBe(200);
    expect(presence.body).toEqual({ online: true, heartbeatSeconds: expect.any(Number) });
    expect(whileFresh[support.destinationId]).toBe(true);
    expect(whileFresh[sales.destinationId]).toBe(false);
    expect(afterSilence[support.destinationId]).toBe(false);
    expect(meAfterSilence.body.online).toBe(false);
    expect(afterHeartbeat[support.destinationId]).toBe(true);
    expect(afterGoingOffline[support.destinationId]).toBe(false);
  });

  it('lists every group with its agents and whether DialogStudio sees it online, and nothing secret', async () => {
    // Prepare
    const { client, support, sales, ada, bob, outsider } = await waitingConversation();
    await client('PUT', '/agent/me/presence', { online: true }, bob.auth);
    // Act
    const reply = await client('GET', '/agent/destinations', undefined, ada.auth);
    // Assess
    expect(reply.status).toBe(200);
    const byId = new Map(reply.body.destinations.map((d: { destinationId: string }) => [d.destinationId, d]));
    expect(byId.get(support.destinationId)).toMatchObject({ name: 'Support', hasOnline: true });
    expect(byId.get(sales.destinationId)).toMatchObject({ name: 'Sales', hasOnline: false });
    const supportAgents = (
      byId.get(support.destinationId) as { agents: { employeeId: string; online: boolean }[] }
    ).agents;
    expect(supportAgents.map((agent) => agent.employeeId).sort()).toEqual(
      [ada.agent.employeeId, bob.agent.employeeId].sort(),
    );
    expect(supportAgents.find((agent) => agent.employeeId === bob.agent.employeeId)?.online).toBe(true);
    expect(JSON.stringify(reply.body)).not.toMatch(/secretHash|token/i);
    expect(JSON.stringify(byId.get(sales.destinationId))).toContain(outsider.agent.employeeId);
  });

  it('reports a group outside its business hours as not online though its agent is, wherever hasOnline appears', async () => {
    // Prepare: closed whatever the clock says. Sales has no opening intervals; support opens every day
    // but is closed today and tomorrow in Kiritimati (UTC+14 all year), so it opens the day after at 00:00.
    const { client, deps, api, conversationId, path, support, sales, ada, outsider } =
      await waitingConversation();
    await client('PUT', '/agent/me/presence', { online: true }, ada.auth);
    await client('PUT', '/agent/me/presence', { online: true }, outsider.auth);
    const openBefore = await client('GET', `${api}/getDestinations`);
    const kiritimatiDay = (daysAhead: number) =>
      new Date(Date.now() + 14 * 3_600_000 + daysAhead * 86_400_000).toISOString().slice(0, 10);
    const everyDay = (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const).map((day) => ({
      day,
      from: '00:00',
      to: '00:00',
    }));
    const supportHours = {
      timeZone: 'Pacific/Kiritimati',
      weekly: everyDay,
      closedOn: [kiritimatiDay(0), kiritimatiDay(1)],
    };
    const salesHours = { timeZone: 'Europe/Berlin', weekly: [], closedOn: [] };
    await deps.store.directory.destinations.update(support.destinationId, { hours: supportHours });
    await deps.store.directory.destinations.update(sales.destinationId, { hours: salesHours });
    // Act
    const operatorView = await client('GET', `${api}/getDestinations`);
    const agentView = await client('GET', '/agent/destinations', undefined, ada.auth);
    const transferred = await client(
      'POST',
      `${path}/transfer`,
      { destinationId: sales.destinationId },
      ada.auth,
    );
    // Assess
    const online = (reply: { body: { destinations: { destinationId: string; hasOnline: boolean }[] } }) =>
      Object.fromEntries(reply.body.destinations.map((d) => [d.destinationId, d.hasOnline]));
    expect(online(openBefore)).toMatchObject({ [support.destinationId]: true, [sales.destinationId]: true });
    expect(online(operatorView)).toMatchObject({
      [support.destinationId]: false,
      [sales.destinationId]: false,
    });
    const byId = new Map(
      agentView.body.destinations.map((d: { destinationId: string }) => [d.destinationId, d]),
    );
    const opensAt = new Date(Date.parse(`${kiritimatiDay(2)}T00:00:00.000Z`) - 14 * 3_600_000).toISOString();
    expect(byId.get(support.destinationId)).toMatchObject({
      hasOnline: false,
      hours: supportHours,
      openNow: false,
      opensAt,
    });
    expect(byId.get(sales.destinationId)).toMatchObject({
      hasOnline: false,
      hours: salesHours,
      openNow: false,
    });
    expect(byId.get(sales.destinationId)).not.toHaveProperty('opensAt');
    expect(transferred.status).toBe(200);
    const seq = Number(String(transferred.body.eventId).slice(conversationId.length + 1));
    const event = await deps.store.transcript.get(conversationId, seq);
    expect(event).toMatchObject({
      delivery: {
        payload: {
          type: 'SelectDestination',
          destination: { destinationId: sales.destinationId, name: 'Sales', hasOnline: false },
        },
      },
    });
  });

  it('lists a group without business hours as open, with no hours and no opensAt', async () => {
    // Prepare
    const { client, support, ada } = await waitingConversation();
    // Act
    const reply = await client('GET', '/agent/destinations', undefined, ada.auth);
    // Assess
    const listed = reply.body.destinations.find(
      (d: { destinationId: string }) => d.destinationId === support.destinationId,
    );
    expect(listed.openNow).toBe(true);
    expect(listed).not.toHaveProperty('hours');
    expect(listed).not.toHaveProperty('opensAt');
  });

  it("lists the canned replies of the agent's groups and own queue by shortcut, none of another group's", async () => {
    // Prepare
    const { client, deps, support, sales, ada } = await waitingConversation();
    const { createCannedReply } = await import('#use-cases/admin/create-canned-reply.ts');
    const reply = (destinationId: string, shortcut: string) =>
      createCannedReply(deps, {
        destinationId,
        shortcut,
        title: `Title ${shortcut}`,
        text: `Hi {userName} ${shortcut}`,
      });
    const hello = await reply(support.destinationId, 'hello');
    const bye = await reply(support.destinationId, 'bye');
    const mine = await reply(ada.agent.employeeId, 'mine');
    await reply(sales.destinationId, 'aaa-sales');
    // Act
    const listed = await client('GET', '/agent/canned-replies', undefined, ada.auth);
    // Assess
    expect(listed.status).toBe(200);
    const visible = ({ createdAt: _at, ...rest }: { createdAt: string }) => rest;
    expect(listed.body).toEqual({ replies: [bye, hello, mine].map(visible) });
  });

  it('runs a conversation: list, accept, text, file, transfer, with the transcript in order', async () => {
    // Prepare
    const { client, conversationId, ada, outsider, path, support, sales } = await waitingConversation();
    // Act
    const waiting = await client('GET', `/agent/conversations?status=waiting`, undefined, ada.auth);
    const accepted = await client('POST', `${path}/accept`, undefined, ada.auth);
    const text = await client('POST', `${path}/messages`, { text: 'Hi, Ada here' }, ada.auth);
    const file = await client(
      'POST',
      `${path}/messages`,
      { url: 'https://files.example.com/guide.pdf', size: 2048, comment: 'The guide' },
      ada.auth,
    );
    const transferred = await client(
      'POST',
      `${path}/transfer`,
      { destinationId: sales.destinationId },
      ada.auth,
    );
    const transcript = await client('GET', `${path}/messages`, undefined, outsider.auth);
    const adaAfterTransfer = await client('GET', `${path}/messages`, undefined, ada.auth);
    // Assess
    expect(waiting.body.conversations.map((c: { conversationId: string }) => c.conversationId)).toContain(
      conversationId,
    );
    const listed = waiting.body.conversations.find(
      (c: { conversationId: string }) => c.conversationId === conversationId,
    );
    expect(listed).toMatchObject({
      channelId: expect.any(String),
      userId: 'client-1',
      userName: 'firstName lastName',
      destinationId: support.destinationId,
      status: 'waiting',
      attributes: { key1: 'value1', key2: 'value2' },
      customData: {},
      createdAt: expect.any(String),
      lastMessageAt: expect.any(String),
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'active', assignee: ada.agent.employeeId });
    expect(text.status).toBe(202);
    expect(file.status).toBe(202);
    expect(text.body.id).toMatch(new RegExp(`^${conversationId}-\\d+$`));
    expect(transferred.status).toBe(200);
    expect(transferred.body).toMatchObject({ destinationId: sales.destinationId, status: 'waiting' });
    expect(transferred.body.assignee).toBeUndefined();
    expect(adaAfterTransfer.status).toBe(404);
    const entries = transcript.body.messages;
    expect(
      entries.map(
        (m: { from: string; type: string; note?: string }) => `${m.from}:${m.type}:${m.note ?? ''}`,
      ),
    ).toEqual([
      'system:note:opened',
      'client:text:',
      'system:note:accepted',
      'agent:text:',
      'agent:file:',
      'system:note:moved',
    ]);
    const byId = Object.fromEntries(entries.map((m: { id: string }) => [m.id, m]));
    expect(byId[text.body.id]).toMatchObject({
      text: 'Hi, Ada here',
      delivery: { status: 'pending', target: 'dialogstudio' },
    });
    expect(byId[file.body.id]).toMatchObject({
      url: 'https://files.example.com/guide.pdf',
      name: 'guide.pdf',
      size: 2048,
      comment: 'The guide',
    });
    expect(entries[5].delivery).toMatchObject({ target: 'dialogstudio', attempts: expect.any(Number) });
    expect(entries[0].delivery).toBeUndefined();
    for (const entry of entries) expect(entry).not.toHaveProperty('delivery.payload');
  });

  it('records when a conversation started waiting and when an agent first answered', async () => {
    // Prepare
    const { client, conversationId, ada, outsider, path, sales } = await waitingConversation();
    const listedIn = async (auth: Record<string, string>) => {
      const reply = await client('GET', '/agent/conversations', undefined, auth);
      return reply.body.conversations.find(
        (c: { conversationId: string }) => c.conversationId === conversationId,
      );
    };
    // Act
    const waiting = await listedIn(ada.auth);
    const accepted = await client('POST', `${path}/accept`, undefined, ada.auth);
    const first = await client('POST', `${path}/messages`, { text: 'Hi, Ada here' }, ada.auth);
    const answered = await listedIn(ada.auth);
    await client('POST', `${path}/messages`, { text: 'One more thing' }, ada.auth);
    const transferred = await client(
      'POST',
      `${path}/transfer`,
      { destinationId: sales.destinationId },
      ada.auth,
    );
    const waitingAgain = await listedIn(outsider.auth);
    const transcript = await client('GET', `${path}/messages`, undefined, outsider.auth);
    // Assess
    const entries = transcript.body.messages;
    const byId = Object.fromEntries(entries.map((m: { id: string }) => [m.id, m]));
    const moved = entries.find((m: { note?: string }) => m.note === 'moved');
    expect(waiting.waitingSince).toBe(waiting.createdAt);
    expect(waiting).not.toHaveProperty('firstResponseAt');
    expect(accepted.body.waitingSince).toBe(waiting.createdAt);
    expect(accepted.body).not.toHaveProperty('firstResponseAt');
    expect(answered.firstResponseAt).toBe(byId[first.body.id].createdAt);
    expect(transferred.body.firstResponseAt).toBe(answered.firstResponseAt);
    expect(transferred.body.waitingSince).toBe(moved.createdAt);
    expect(waitingAgain).toMatchObject({
      waitingSince: moved.createdAt,
      firstResponseAt: answered.firstResponseAt,
    });
  });

  it('lets one of two agents accept and answers the other 409', async () => {
    const { client, ada, bob, path } = await waitingConversation();

    const [first, second] = await Promise.all([
      client('POST', `${path}/accept`, undefined, ada.auth),
      client('POST', `${path}/accept`, undefined, bob.auth),
    ]);
    const again = await client(
      'POST',
      `${path}/accept`,
      undefined,
      first.status === 200 ? ada.auth : bob.auth,
    );

    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const loser = first.status === 409 ? first : second;
    expect(loser.body.error.code).toBe('assigned_to_other');
    expect(again.status).toBe(200);
  });

  it('answers 404 for a conversation outside the agent destinations, and changes nothing', async () => {
    const { client, deps, outsider, path, support } = await waitingConversation();
    const before = await tableSnapshot(deps);

    const replies = [
      await client('POST', `${path}/accept`, undefined, outsider.auth),
      await client('GET', `${path}/messages`, undefined, outsider.auth),
      await client('POST', `${path}/messages`, { text: 'hi' }, outsider.auth),
      await client('POST', `${path}/close`, undefined, outsider.auth),
      await client('POST', `${path}/transfer`, { destinationId: support.destinationId }, outsider.auth),
      await client(
        'GET',
        `/agent/conversations?destinationId=${support.destinationId}`,
        undefined,
        outsider.auth,
      ),
      await client('POST', '/agent/conversations/cv_missing/accept', undefined, outsider.auth),
    ];
    const listed = await client('GET', '/agent/conversations', undefined, outsider.auth);

    for (const reply of replies) expect(reply.status).toBe(404);
    expect(replies[0]?.body.error.code).toBe('conversation_not_found');
    expect(listed.body.conversations).toEqual([]);
    expect(await tableSnapshot(deps)).toBe(before);
  });

  it('never shows hidden attributes to an agent', async () => {
    const { client, ada, path } = await waitingConversation();

    const replies = [
      await client('GET', '/agent/conversations', undefined, ada.auth),
      await client('POST', `${path}/accept`, undefined, ada.auth),
      await client('GET', `${path}/messages`, undefined, ada.auth),
      await client('POST', `${path}/close`, undefined, ada.auth),
    ];

    for (const reply of replies) {
      expect(reply.status).toBe(200);
      expect(JSON.stringify(reply.body)).not.toContain('hidden-value-123');
      expect(JSON.stringify(reply.body)).not.toContain('hiddenAttributes');
    }
  });

  it('asks for an accept before sending, and refuses to act on a closed conversation', async () => {
    const { client, ada, bob, path } = await waitingConversation();

    const beforeAccept = await client('POST', `${path}/messages`, { text: 'too early' }, ada.auth);
    await client('POST', `${path}/accept`, undefined, ada.auth);
    const someoneElses = await client('POST', `${path}/messages`, { text: 'not mine' }, bob.auth);
    const bobCloses = await client('POST', `${path}/close`, undefined, bob.auth);
    const closed = await client('POST', `${path}/close`, undefined, ada.auth);
    const afterClose = await client('POST', `${path}/messages`, { text: 'late' }, ada.auth);

    expect(beforeAccept.status).toBe(409);
    expect(beforeAccept.body.error.code).toBe('not_accepted');
    expect(someoneElses.body.error.code).toBe('assigned_to_other');
    expect(bobCloses.status).toBe(409);
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('closed');
    expect(afterClose.status).toBe(409);
    expect(afterClose.body.error.code).toBe('conversation_closed');
  });

  it('lets the client open a new conversation after an agent closed the last one', async () => {
    const { client, ada, path, api, conversationId } = await waitingConversation();
    await client('POST', `${path}/accept`, undefined, ada.auth);
    await client('POST', `${path}/close`, undefined, ada.auth);

    const next = await client('POST', `${api}/sendText`, { userId: 'client-1', text: 'One more thing' });

    expect(next.status).toBe(200);
    expect(next.body.conversationId).not.toBe(conversationId);
  });

  it('answers a repeated Idempotency-Key with the first answer and writes one event', async () => {
    // Prepare
    const { client, ada, path } = await waitingConversation();
    await client('POST', `${path}/accept`, undefined, ada.auth);
    const headers = { ...ada.auth, 'idempotency-key': 'send-42' };
    const countEntries = async () =>
      (await client('GET', `${path}/messages`, undefined, ada.auth)).body.messages.length;
    // Act
    const first = await client('POST', `${path}/messages`, { text: 'Once' }, headers);
    const entriesAfterFirst = await countEntries();
    const repeat = await client('POST', `${path}/messages`, { text: 'Once' }, headers);
    const other = await client('POST', `${path}/messages`, { text: 'Something else' }, headers);
    const transcript = await client('GET', `${path}/messages`, undefined, ada.auth);
    // Assess
    expect(first.status).toBe(202);
    expect(repeat.status).toBe(202);
    expect(repeat.body).toEqual(first.body);
    expect(await countEntries()).toBe(entriesAfterFirst);
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    const sent = transcript.body.messages.filter((m: { text?: string }) => m.text === 'Once');
    expect(sent).toHaveLength(1);
    expect(sent[0]).not.toHaveProperty('idempotencyKey');
  });

  it("checks an Idempotency-Key only once the agent sees and holds the conversation: another's refused request claims nothing", async () => {
    // Prepare
    const { client, deps, ada, bob, outsider, path } = await waitingConversation();
    const key = { 'idempotency-key': 'msg-1' };
    // Act
    const unaccepted = await client('POST', `${path}/messages`, { text: 'Early' }, { ...ada.auth, ...key });
    await client('POST', `${path}/accept`, undefined, ada.auth);
    const before = await tableSnapshot(deps);
    const fromOutsider = await client(
      'POST',
      `${path}/messages`,
      { text: 'Hi' },
      { ...outsider.auth, ...key },
    );
    const fromColleague = await client('POST', `${path}/messages`, { text: 'Hi' }, { ...bob.auth, ...key });
    const afterRefusals = await tableSnapshot(deps);
    const fromAssignee = await client('POST', `${path}/messages`, { text: 'Hi' }, { ...ada.auth, ...key });
    const repeated = await client('POST', `${path}/messages`, { text: 'Hi' }, { ...ada.auth, ...key });
    // Assess
    expect(unaccepted.status).toBe(409);
    expect(fromOutsider.status).toBe(404);
    expect(fromColleague.status).toBe(409);
    expect(fromColleague.body.error.code).toBe('assigned_to_other');
    expect(afterRefusals).toBe(before);
    expect(fromAssignee.status).toBe(202);
    expect(repeated.body).toEqual(fromAssignee.body);
  });

  it('lets go of the Idempotency-Key claim of a send whose write was refused', async () => {
    // Prepare
    const { client, deps, api, ada, path } = await waitingConversation();
    await client('POST', `${path}/accept`, undefined, ada.auth);
    await client('POST', `${api}/closeChat`, { userId: 'client-1' });
    const before = await tableSnapshot(deps);
    // Act
    const refused = await client(
      'POST',
      `${path}/messages`,
      { text: 'Late' },
      { ...ada.auth, 'idempotency-key': 'k' },
    );
    // Assess
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('conversation_closed');
    expect(await tableSnapshot(deps)).toBe(before);
  });

  it('names a file after its URL when the agent gives no name, even a badly encoded one', async () => {
    const { client, ada, path } = await waitingConversation();
    await client('POST', `${path}/accept`, undefined, ada.auth);

    const plain = await client(
      'POST',
      `${path}/messages`,
      { url: 'https://x.example/docs/price%20list.pdf' },
      ada.auth,
    );
    const broken = await client(
      'POST',
      `${path}/messages`,
      { url: 'https://x.example/docs/%E0%A4%A' },
      ada.auth,
    );
    const transcript = await client('GET', `${path}/messages`, undefined, ada.auth);

    expect([plain.status, broken.status]).toEqual([202, 202]);
    const names = Object.fromEntries(
      transcript.body.messages.map((m: { id: string; name?: string }) => [m.id, m.name]),
    );
    expect(names[plain.body.id]).toBe('price list.pdf');
    expect(names[broken.body.id]).toBe('%E0%A4%A');
  });

  it('pages the transcript with after=', async () => {
    const { client, ada, path } = await waitingConversation();
    const all = await client('GET', `${path}/messages`, undefined, ada.auth);
    const firstId = all.body.messages[0].id;

    const rest = await client(
      'GET',
      `${path}/messages?after=${encodeURIComponent(firstId)}`,
      undefined,
      ada.auth,
    );

    expect(rest.body.messages.map((m: { id: string }) => m.id)).toEqual(
      all.body.messages.slice(1).map((m: { id: string }) => m.id),
    );
  });

  it.each([
    ['POST', 'messages', { text: 'a', url: 'https://x/y' }, 'text', 'invalid_request'],
    ['POST', 'messages', {}, 'text', 'invalid_request'],
    ['POST', 'messages', { url: 'ftp://x/y' }, 'url', 'invalid_request'],
    ['POST', 'messages', { url: 'https://x/y', size: -1 }, 'size', 'invalid_request'],
    ['POST', 'transfer', { destinationId: 'no-such-group' }, 'destinationId', 'unknown_destination'],
    ['POST', 'transfer', {}, 'destinationId', 'invalid_request'],
    ['GET', 'messages?after=cv_other-3', undefined, 'after', 'invalid_query'],
  ])('answers 400 naming the field for %s %s %j', async (method, action, body, field, code) => {
    const { client, deps, ada, path } = await waitingConversation();
    await client('POST', `${path}/accept`, undefined, ada.auth);
    const before = await tableSnapshot(deps);

    const reply = await client(method, `${path}/${action}`, body, ada.auth);

    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe(code);
    expect(reply.body.error.issues.map((issue: { path: string }) => issue.path)).toContain(field);
    expect(await tableSnapshot(deps)).toBe(before);
  });

  it('answers 400 for a bad query and a bad Idempotency-Key', async () => {
    const { client, ada, path } = await waitingConversation();
    await client('POST', `${path}/accept`, undefined, ada.auth);

    const status = await client('GET', '/agent/conversations?status=sleeping', undefined, ada.auth);
    const key = await client(
      'POST',
      `${path}/messages`,
      { text: 'x' },
      { ...ada.auth, 'idempotency-key': 'has space' },
    );
    const presence = await client('PUT', '/agent/me/presence', { online: 'yes' }, ada.auth);

    expect(status.status).toBe(400);
    expect(status.body.error.issues[0].path).toBe('status');
    expect(key.status).toBe(400);
    expect(key.body.error.issues[0].path).toBe('idempotency-key');
    expect(presence.status).toBe(400);
    expect(presence.body.error.issues[0].path).toBe('online');
  });

  botHistoryCases(context);
}
