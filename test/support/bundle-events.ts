import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { deliveryFunctions, fallbackRoute, liveNotifier, liveRoutes } from '#api/routes.ts';
import type { Wired } from '#deps';
import { keys } from '#store/keys.ts';
import { createCannedReply } from '#use-cases/admin/create-canned-reply.ts';
import { type Client, seedAgent } from './clients.ts';
import { acceptedConversation } from './flows.ts';
import {
  dynamoDbStreamEvent,
  httpApiEvent,
  scheduledEvent,
  sqsEvent,
  webSocketEvent,
} from './lambda-events.ts';

type StreamImage = NonNullable<DynamoDBRecord['dynamodb']>['NewImage'];

const json = { 'content-type': 'application/json' };

/**
 * For every function of the stack, the two events its bundle gets in a row (a first invocation on a
 * cold process, then a warm one), prepared in the table through the public use cases, plus the
 * secrets and texts that must never appear in its logs. Each function gets its own channel or
 * conversation where another function's run could get in its way, so the bundles can run at once.
 */
export async function prepareBundleEvents(deps: Wired, client: Client, webhookUrl: (path: string) => string) {
  const main = await acceptedConversation(client, deps, webhookUrl('/bundles'));
  const { api, support, sales, agent } = main;
  const other = await seedAgent(deps, [support.destinationId], 'Grace');
  const operator = (path: string, body: unknown, headers: Record<string, string> = json) =>
    httpApiEvent('POST', `${api}/${path}`, { body: JSON.stringify(body), headers });
  const asAgent = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    httpApiEvent(method, `/agent${path}`, {
      ...(body !== undefined && { body: JSON.stringify(body) }),
      headers: { ...json, authorization: agent.auth.authorization, ...headers },
    });

  await createCannedReply(deps, {
    destinationId: support.destinationId,
    shortcut: 'hello',
    title: 'Greeting',
    text: 'Hi {userName}',
  });
  const waiting = await client('POST', `${api}/selectDestination`, {
    userId: 'bundle-accept',
    destinationId: support.destinationId,
  });
  const toRead = await acceptedConversation(client, deps, undefined);
  const toClose = await acceptedConversation(client, deps, undefined);
  const toTransfer = await acceptedConversation(client, deps, undefined);
  const forStream = await acceptedConversation(client, deps, webhookUrl('/stream'));
  await forStream.say('for the stream');
  const forSweep = await acceptedConversation(client, deps, webhookUrl('/sweep'));
  await forSweep.say('for the sweep');

  // What the stream carries for a new outbox entry: its new image, as stored (delivered meanwhile where a
  // delivery loop runs, as in the bench, which the engine then finds settled).
  const { Items: outboxEntries = [] } = await deps.db.client.send(
    new QueryCommand({
      TableName: deps.db.tableName,
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: 'attribute_exists(delivery)',
      ExpressionAttributeValues: { ':pk': { S: keys.conversation(forStream.conversationId).pk } },
    }),
  );
  const streamEvent = dynamoDbStreamEvent(deps.db.tableName, outboxEntries as StreamImage[]);

  const [liveConnect, liveDisconnect] = liveRoutes as [(typeof liveRoutes)[0], (typeof liveRoutes)[0]];
  const conversationChanged = dynamoDbStreamEvent(deps.db.tableName, [
    marshall(keys.conversation(main.conversationId)) as StreamImage,
  ]);

  const events: Record<string, unknown[]> = {
    SetWebhook: [
      operator('setWebhook', { url: webhookUrl('/bundles') }),
      operator('setWebhook', { url: 'ftp://example.com/hook' }),
    ],
    SendText: [
      operator('sendText', { userId: 'bundle-text', text: 'hello from the bundle' }),
      // No content type: API Gateway hands the body over base64-encoded.
      operator('sendText', { userId: 'bundle-text', text: 'again, base64' }, {}),
    ],
    SendFile: [
      operator('sendFile', {
        userId: 'bundle-file',
        url: 'https://example.com/a.pdf',
        fileName: 'a.pdf',
        size: '1024',
      }),
      operator('sendFile', { userId: 'bundle-file' }),
    ],
    CloseChat: [operator('closeChat', { userId: 'bundle-close', text: 'bye' }), operator('closeChat', {})],
    SelectDestination: [
      operator('selectDestination', {
        userId: 'bundle-select',
        destinationId: support.destinationId,
        userName: 'Ann',
      }),
      operator('selectDestination', { userId: 'bundle-select', destinationId: sales.destinationId }),
    ],
    GetDestinations: [
      httpApiEvent('GET', `${api}/getDestinations`),
      httpApiEvent('GET', '/operator/ch_unknown.wrong/getDestinations'),
    ],
    GetMe: [asAgent('GET', '/me'), httpApiEvent('GET', '/agent/me')],
    SetPresence: [
      asAgent('PUT', '/me/presence', { online: true }),
      asAgent('PUT', '/me/presence', { online: 'yes' }),
    ],
    ListConversations: [
      asAgent('GET', '/conversations'),
      asAgent('GET', `/conversations?status=waiting&destinationId=${support.destinationId}`),
    ],
    AcceptConversation: [
      asAgent('POST', `/conversations/${waiting.body.conversationId}/accept`),
      httpApiEvent('POST', `/agent/conversations/${waiting.body.conversationId}/accept`, {
        headers: { authorization: other.auth.authorization },
      }),
    ],
    ListMessages: [
      httpApiEvent('GET', `${toRead.path}/messages`, { headers: toRead.agent.auth }),
      httpApiEvent('GET', `${toRead.path}/messages?after=${toRead.conversationId}-1`, {
        headers: toRead.agent.auth,
      }),
    ],
    SendMessage: [
      asAgent(
        'POST',
        `/conversations/${main.conversationId}/messages`,
        { text: 'from the bundle' },
        { 'idempotency-key': 'b1' },
      ),
      asAgent(
        'POST',
        `/conversations/${main.conversationId}/messages`,
        { text: 'from the bundle' },
        { 'idempotency-key': 'b1' },
      ),
    ],
    CloseConversation: [
      httpApiEvent('POST', `/agent/conversations/${toClose.conversationId}/close`, {
        headers: toClose.agent.auth,
      }),
      asAgent('POST', '/conversations/cv_missing/close'),
    ],
    TransferConversation: [
      httpApiEvent('POST', `/agent/conversations/${toTransfer.conversationId}/transfer`, {
        body: JSON.stringify({ destinationId: toTransfer.sales.destinationId }),
        headers: { ...json, ...toTransfer.agent.auth },
      }),
      httpApiEvent('POST', `/agent/conversations/${toTransfer.conversationId}/transfer`, {
        body: '{}',
        headers: { ...json, ...toTransfer.agent.auth },
      }),
    ],
    [fallbackRoute.name]: [httpApiEvent('GET', '/nowhere'), httpApiEvent('POST', '/agent/me')],
    [deliveryFunctions.fromStream.name]: [streamEvent, streamEvent],
    [deliveryFunctions.sweep.name]: [scheduledEvent(), scheduledEvent()],
    // The conversation the stream's function delivers: the timer finds nothing due there, or it is done.
    [deliveryFunctions.timer.name]: [
      sqsEvent('RetryQueue', [{ conversationId: forStream.conversationId }]),
      sqsEvent('RetryQueue', [{ conversationId: 'no-such-conversation' }]),
    ],
    ListDestinations: [asAgent('GET', '/destinations'), httpApiEvent('GET', '/agent/destinations')],
    ListCannedReplies: [asAgent('GET', '/canned-replies'), httpApiEvent('GET', '/agent/canned-replies')],
    OpenApi: [httpApiEvent('GET', '/openapi.json'), httpApiEvent('GET', '/openapi.json')],
    ServeConsoleIndex: [httpApiEvent('GET', '/console/'), httpApiEvent('GET', '/console')],
    ServeConsoleFile: [httpApiEvent('GET', '/console/index.html'), httpApiEvent('GET', '/console/nope.js')],
    RetryMessage: [
      asAgent('POST', `/conversations/${main.conversationId}/messages/no-such-message/retry`),
      httpApiEvent('POST', `/agent/conversations/${main.conversationId}/messages/no-such-message/retry`),
    ],
    CreateLiveTicket: [asAgent('POST', '/live/ticket'), httpApiEvent('POST', '/agent/live/ticket')],
    [liveConnect.name]: [
      webSocketEvent('$connect', 'bundle-connection', { ticket: 'not-a-ticket' }),
      webSocketEvent('$connect', 'bundle-connection'),
    ],
    [liveDisconnect.name]: [
      webSocketEvent('$disconnect', 'bundle-connection'),
      webSocketEvent('$disconnect', 'bundle-connection'),
    ],
    // A conversation changed, with no console connected to hear it: the notifier posts nothing.
    [liveNotifier.name]: [conversationChanged, conversationChanged],
  };
  return {
    events,
    main,
    waitingConversationId: waiting.body.conversationId as string,
    /** Never in a function's logs: credentials, message text, the channel token. */
    secrets: [
      main.token,
      agent.token,
      other.token,
      toRead.agent.token,
      toClose.agent.token,
      toTransfer.agent.token,
      'hello from the bundle',
      'from the bundle',
      'for the stream',
    ],
  };
}
