import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BridgeApi } from './api.ts';
import { Delivery } from './delivery.ts';
import { EdgeDistribution } from './edge.ts';
import { LiveUpdates } from './live.ts';
import { Monitoring } from './monitoring.ts';
import { type DeploymentSettings, functionEnvironment } from './settings.ts';
import { BridgeTable } from './table.ts';

export interface OperatorBridgeStackProps extends StackProps {
  settings: DeploymentSettings;
  /** With WAF (`-c waf=true`): the web ACL for the CloudFront distribution in front of the API. */
  webAclArn?: string;
}

/** Everything Operator Bridge needs in one AWS account: the table, the API, delivery and alarms. */
export class OperatorBridgeStack extends Stack {
  readonly table: BridgeTable;
  readonly api: BridgeApi;
  readonly delivery: Delivery;
  readonly live: LiveUpdates;
  readonly monitoring: Monitoring;
  /** CloudFront with the WAF web ACL in front of the API, with `-c waf=true`. */
  readonly edge?: EdgeDistribution;

  constructor(scope: Construct, id: string, props: OperatorBridgeStackProps) {
    super(scope, id, props);
    const { settings } = props;
    this.table = new BridgeTable(this, 'Store', { retainData: settings.retainData });
    const { table } = this.table;
    const environment = { ...functionEnvironment(settings), TABLE_NAME: table.tableName };

    this.api = new BridgeApi(this, 'Api', {
      table,
      environment,
      agentAppOrigins: settings.agentAppOrigins,
      throttle: { rateLimit: settings.throttleRateLimit, burstLimit: settings.throttleBurstLimit },
      operatorThrottle: {
        rateLimit: settings.operatorThrottleRateLimit,
        burstLimit: settings.operatorThrottleBurstLimit,
      },
    });
    if (props.webAclArn) {
      this.edge = new EdgeDistribution(this, 'Edge', {
        httpApi: this.api.httpApi,
        webAclArn: props.webAclArn,
      });
    }
    // What DialogStudio and agents are given: the edge when there is one, so requests pass the WAF.
    const apiUrl = this.edge?.url ?? this.api.url;
    this.delivery = new Delivery(this, 'Delivery', { table, environment });
    this.live = new LiveUpdates(this, 'Live', {
      table,
      environment,
      throttle: { rateLimit: settings.throttleRateLimit, burstLimit: settings.throttleBurstLimit },
      deadLetterQueue: this.delivery.deadLetterQueue,
    });
    // Tickets name the WebSocket to open, and the console's page may connect to it (its CSP): on AWS it
    // is an API of its own, on another host than the console.
    for (const fn of this.api.liveUrlReaders) fn.addEnvironment('LIVE_URL', this.live.url);
    this.monitoring = new Monitoring(this, 'Monitoring', {
      httpApi: this.api.httpApi,
      webSocketApi: this.live.webSocketApi,
      deliveryStreamReader: this.delivery.fromStream,
      scheduledFunction: this.delivery.sweep,
      deadLetterQueue: this.delivery.deadLetterQueue,
      alarmEmail: settings.alarmEmail,
    });

    new CfnOutput(this, 'ApiUrl', {
      description: "The API base; a channel's API URL for DialogStudio is {ApiUrl}/operator/{channelToken}",
      value: apiUrl,
    });
    new CfnOutput(this, 'ConsoleUrl', {
      description:
        'The agent console; an agent signs in with the link `agent create` prints, {ConsoleUrl}#token=...',
      value: `${apiUrl}/console/`,
    });
    new CfnOutput(this, 'LiveUrl', {
      description: 'The live-updates WebSocket; POST {ApiUrl}/agent/live/ticket gives a ticket and this URL',
      value: this.live.url,
    });
    new CfnOutput(this, 'TableName', {
      description: 'The table, for the command-line tool: npx operator-bridge --table <TableName> ...',
      value: table.tableName,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'Subscribe to receive alarms',
      value: this.monitoring.alarmTopic.topicArn,
    });
  }
}
