import type { Conversation, Destination, Me, Message } from '../../console/src/api.ts';

/** The signed-in agent, its conversation and its destinations, as the Agent API answers them. */
export const me: Me = {
  employeeId: 'ana',
  firstName: 'Ana',
  lastName: 'Silva',
  avatarUrl: 'https://example.com/ana.png',
  destinations: ['support', 'sales'],
  online: true,
};

export function conversation(change: Partial<Conversation> = {}): Conversation {
  return {
    conversationId: 'c-1',
    channelId: 'ch-1',
    userId: 'u-1',
    userName: 'Maria',
    destinationId: 'support',
    status: 'waiting',
    attributes: {},
    customData: {},
    createdAt: '2026-01-01T10:00:00.000Z',
    lastMessageAt: '2026-01-01T10:05:00.000Z',
    ...change,
  };
}

export function message(change: Partial<Message> = {}): Message {
  return {
    id: 'm-1',
    seq: 1,
    conversationId: 'c-1',
    from: 'client',
    type: 'text',
    text: 'hello',
    createdAt: '2026-01-01T10:01:00.000Z',
    ...change,
  };
}

export const destinations: Destination[] = [
  {
    destinationId: 'support',
    name: 'Support',
    hasOnline: true,
    openNow: true,
    agents: [
      { employeeId: 'ana', firstName: 'Ana', lastName: 'Silva', online: true },
      { employeeId: 'bo', firstName: 'Bo', lastName: 'Chen', online: false },
    ],
  },
  {
    destinationId: 'sales',
    name: 'Sales',
    hasOnline: false,
    openNow: true,
    agents: [
      { employeeId: 'bo', firstName: 'Bo', lastName: 'Chen', online: false },
      { employeeId: 'cy', firstName: '', lastName: '', online: true },
    ],
  },
];
