import { ArnFormat, type CfnElement, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import { WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { liveNotifier, liveRoutes } from '#api/routes.ts';
import { keys, sortKeys } from '#store/keys.ts';
import { BridgeFunction, grantTableAccess } from './bridge-function.ts';

export interface LiveUpdatesProps {
  table: ITable;
  environment: Record<string, string>;
  throttle: { rateLimit: number; burstLimit: number };
  /** Where the notifier's stream batches go when it gives up on them: the background triggers' queue. */
  deadLetterQueue: IQueue;
}

const conversationPrefix = keys.conversation('').pk;
const transcriptPrefix = keys.messages('').skPrefix;
const conversationItem = {
  pk: { S: FilterRule.beginsWith(conversationPrefix) },
  sk: { S: [sortKeys.conversation] },
};
/** The delivery lease on a conversation item, as a stream image has it. */
const lease = (present: boolean) => ({
  leaseOwner: { S: present ? FilterRule.exists() : FilterRule.notExists() },
});

/**
 * The stream records a console needs, and no others (each record the notifier reads costs an
 * invocation, reads and a post to every listening console): a conversation created or changed, a
 * transcript entry added or its delivery state changed. Not the delivery engine taking or letting go of
 * a conversation's lease: a change of the conversation item from no lease to a lease or back touches
 * bookkeeping only (the lease, cursors, the failed count, the expiry), which no agent sees. A change
 * made while a lease is held, or while none is, passes.
 */
export const notifierFilters = [
  FilterCriteria.filter({
    eventName: FilterRule.isEqual('INSERT'),
    dynamodb: {
      Keys: {
        pk: { S: FilterRule.beginsWith(conversationPrefix) },
        sk: { S: [sortKeys.conversation, ...FilterRule.beginsWith(transcriptPrefix)] },
      },
    },
  }),
  FilterCriteria.filter({
    eventName: FilterRule.isEqual('MODIFY'),
    dynamodb: {
      Keys: {
        pk: { S: FilterRule.beginsWith(conversationPrefix) },
        sk: { S: FilterRule.beginsWith(transcriptPrefix) },
      },
    },
  }),
  ...[true, false].map((leased) =>
    FilterCriteria.filter({
      eventName: FilterRule.isEqual('MODIFY'),
      dynamodb: { Keys: conversationItem, OldImage: lease(leased), NewImage: lease(leased) },
    }),
  ),
];

/**
 * Live updates for agent consoles: an API Gateway WebSocket API whose `$connect` and `$disconnect`
 * functions come from the route table, and a notifier on the table's stream (its second reader, after
 * delivery) that posts "conversation X changed" to the open connections of agents who may see it.
 */
export class LiveUpdates extends Construct {
  readonly webSocketApi: WebSocketApi;
  readonly stage: WebSocketStage;
  /** `$connect` and `$disconnect`, by route name. */
  readonly functions = new Map<string, BridgeFunction>();
  readonly notifier: BridgeFunction;

  constructor(scope: Construct, id: string, props: LiveUpdatesProps) {
    super(scope, id);
    const integrations = new Map<string, WebSocketLambdaIntegration>();
    for (const route of liveRoutes) {
      const fn = new BridgeFunction(this, route.name, {
        entry: route.entry,
        description: `WebSocket ${route.routeKey} of live updates`,
        environment: props.environment,
      });
      grantTableAccess(props.table, fn, route.table);
      this.functions.set(route.name, fn);
      integrations.set(route.routeKey, new WebSocketLambdaIntegration(`${route.name}Integration`, fn));
    }

    const integration = (routeKey: string) => {
      const found = integrations.get(routeKey);
      if (!found) throw new Error(`The route table has no ${routeKey} route`);
      return { integration: found };
    };
    this.webSocketApi = new WebSocketApi(this, 'WebSocketApi', {
      description: 'Operator Bridge live updates: notifications for agent consoles',
      connectRouteOptions: integration('$connect'),
      disconnectRouteOptions: integration('$disconnect'),
    });
    Validations.of(this.webSocketApi).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        '$connect redeems a single-use, 30-second ticket that only an authenticated agent can get from POST /agent/live/ticket; $disconnect needs none.',
    });
    this.stage = new WebSocketStage(this, 'Stage', {
      webSocketApi: this.webSocketApi,
      stageName: 'live',
      autoDeploy: true,
      throttle: props.throttle,
    });
    Validations.of(this.stage).acknowledge({
      id: 'AwsSolutions-APIG1',
      reason:
        'A WebSocket stage can only log through the account-wide API Gateway CloudWatch role, which this stack does not own; $connect and $disconnect log every connection (never the ticket).',
    });

    this.notifier = new BridgeFunction(this, liveNotifier.name, {
      entry: liveNotifier.entry,
      description: 'Tells open WebSockets which conversations changed, from the table stream',
      environment: { ...props.environment, LIVE_MANAGEMENT_URL: this.stage.callbackUrl },
      timeout: Duration.seconds(30),
    });
    grantTableAccess(props.table, this.notifier, liveNotifier.table);
    this.notifier.addToRolePolicy(
      new PolicyStatement({
        actions: ['execute-api:ManageConnections'],
        resources: [
          Stack.of(this).formatArn({
            service: 'execute-api',
            resource: this.webSocketApi.apiId,
            resourceName: `${this.stage.stageName}/POST/@connections/*`,
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        ],
      }),
    );
    this.notifier.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.LATEST,
        batchSize: 100,
        filters: notifierFilters,
        // A notification is worth little after a minute: the console catches up when it reconnects.
        // A batch given up on (failing, or a minute behind: throttled or stuck) is recorded for the alarm.
        retryAttempts: 2,
        maxRecordAge: Duration.minutes(1),
        onFailure: new SqsDlq(props.deadLetterQueue),
      }),
    );
    // As cdk-nag spells the resource: the stack's account and region, or their placeholders when unknown.
    const stack = Stack.of(this);
    const apiLogicalId = stack.getLogicalId(this.webSocketApi.node.defaultChild as CfnElement);
    const named = (value: string, placeholder: string) => (Token.isUnresolved(value) ? placeholder : value);
    const connectionsArn = `arn:<AWS::Partition>:execute-api:${named(stack.region, '<AWS::Region>')}:${named(stack.account, '<AWS::AccountId>')}:<${apiLogicalId}>/${this.stage.stageName}/POST/@connections/*`;
    Validations.of(this.notifier.role ?? this.notifier).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'dynamodb:ListStreams, added by the stream mapping, cannot be scoped to a resource.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${connectionsArn}]`,
        reason:
          'Connection ids are made by API Gateway at connect time; the grant is POST to this one stage.',
      },
    );
  }

  /** The WebSocket URL (`wss://...`) that tickets point to. */
  get url(): string {
    return this.stage.url;
  }
}
