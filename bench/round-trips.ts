import { deliverConversation } from '#delivery/engine.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { acceptConversation } from '#use-cases/agent/accept-conversation.ts';
import { authenticateAgent } from '#use-cases/agent/authenticate-agent.ts';
import { sendMessage } from '#use-cases/agent/send-message.ts';
import { authenticateChannel } from '#use-cases/operator/authenticate-channel.ts';
import { sendText } from '#use-cases/operator/send-text.ts';
import { setWebhook } from '#use-cases/operator/set-webhook.ts';
import type { meterDynamoDb } from './dynamodb-meter.ts';
import { type Row, row } from './stats.ts';

/**
 * DynamoDB round trips of the write path and of one delivery (issue 8's targets), each use case called
 * as its handler calls it, authentication included, on a client of its own as a Lambda has. The floor
 * is the target itself: a count has no noise to compare against.
 */
export async function roundTripRows(options: {
  deps: Deps;
  meter: ReturnType<typeof meterDynamoDb>;
  seed: () => Promise<{ channelToken: string; agentToken: string; webhookUrl: string }>;
}): Promise<Row[]> {
  const { deps, meter } = options;
  const { channelToken, agentToken, webhookUrl } = await options.seed();
  const bearer = agentToken;
  await setWebhook(deps, await authenticateChannel(deps, channelToken), { url: webhookUrl });
  const count = async (work: () => Promise<unknown>) => (await meter.record(work)).length;
  const client = async (text: string) =>
    sendText(deps, await authenticateChannel(deps, channelToken), { userId: 'round-trips', text });
  let conversationId = '';
  const first = await count(async () => {
    ({ conversationId } = await client('first'));
  });
  const open = await count(() => client('again'));
  await acceptConversation(deps, await authenticateAgent(deps, bearer), conversationId);
  await deliverConversation(deps, conversationId);
  const reply = async (text: string, key?: string) =>
    sendMessage(deps, await authenticateAgent(deps, bearer), conversationId, { text }, key);
  const message = await count(() => reply('reply'));
  const keyed = await count(() => reply('keyed', `rt-${Date.now()}`));
  await deliverConversation(deps, conversationId);
  await reply('one more');
  const delivery = await count(() => deliverConversation(deps, conversationId));
  const atMost = (limit: number) => ({
    floor: limit,
    target: `≤ ${limit}`,
    met: (value: number) => value <= limit,
  });
  return [
    row('round trips: first sendText', first, 'requests', atMost(7)),
    row('round trips: sendText, open conversation', open, 'requests', atMost(4)),
    row('round trips: agent message', message, 'requests', atMost(4)),
    // One read more than without the key: it is looked at only once the agent sees and holds the conversation.
    row('round trips: agent message with Idempotency-Key', keyed, 'requests', atMost(6)),
    row('round trips: delivery of one event (plus the POST)', delivery, 'requests', atMost(4)),
  ];
}
