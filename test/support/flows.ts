import { expect } from 'vitest';
import type { Deps } from '#domain/shared/deps.ts';
import { type Client, seedAgent, seedChannel } from './clients.ts';

/**
 * A conversation a DialogStudio user and an agent would have: the webhook set (unless `webhookUrl`
 * is undefined), a client in `support`, and an agent who accepted it.
 */
export async function acceptedConversation(client: Client, deps: Deps, webhookUrl: string | undefined) {
  const seeded = await seedChannel(deps);
  const { api, support, sales } = seeded;
  if (webhookUrl) await client('POST', `${api}/setWebhook`, { url: webhookUrl });
  const opened = await client('POST', `${api}/selectDestination`, {
    userId: 'client-1',
    destinationId: support.destinationId,
  });
  const agent = await seedAgent(deps, [support.destinationId, sales.destinationId]);
  const path = `/agent/conversations/${opened.body.conversationId}`;
  await client('POST', `${path}/accept`, undefined, agent.auth);
  const say = async (text: string) =>
    (await client('POST', `${path}/messages`, { text }, agent.auth)).body.id as string;
  return { ...seeded, agent, path, conversationId: opened.body.conversationId as string, say };
}

const employeeShape = {
  employeeId: expect.any(String),
  firstName: expect.any(String),
  lastName: expect.any(String),
  avatarUrl: expect.any(String),
};

/** The four agent events exactly as the seed page shapes them: these keys, these types, nothing missing. */
export function expectSeedEventShapes(events: Record<string, unknown>[]) {
  expect(events.map((event) => event.type)).toEqual([
    'TextMessage',
    'FileMessage',
    'SelectDestination',
    'Closed',
  ]);
  const [text, file, select, closed] = events;
  const base = { id: expect.any(String), userId: expect.any(String), employee: employeeShape };
  expect(text).toStrictEqual({ ...base, type: 'TextMessage', text: expect.any(String) });
  expect(file).toStrictEqual({
    ...base,
    type: 'FileMessage',
    url: expect.any(String),
    name: expect.any(String),
    size: expect.any(Number),
    comment: expect.any(String),
  });
  expect(Number.isInteger((file as { size: number }).size)).toBe(true);
  expect(select).toStrictEqual({
    ...base,
    type: 'SelectDestination',
    destination: {
      destinationId: expect.any(String),
      name: expect.any(String),
      hasOnline: expect.any(Boolean),
    },
  });
  expect(closed).toStrictEqual({ ...base, type: 'Closed' });
}
