import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { handler as corsPreflight } from '../../functions/cors-preflight.ts';
import { corsPreflightRoute } from '../../lib/api.ts';
import { buildOperatorBridge } from '../../lib/app.ts';
import { parseDeploymentSettings } from '../../lib/settings.ts';
import { type Synthesized, synthesize } from './synthesize.ts';

describe('a deployment configured through CDK context', () => {
  let synthesized: Synthesized;

  beforeAll(() => {
    // As `-c key=value` passes them: every value a string.
    synthesized = synthesize({
      agentAppOrigins: 'https://agents.example.com, https://crm.example.com/',
      webhookAllowedHosts: 'bot.example.com, *.dialogstudio.example',
      retentionDays: '90',
      deliveryScheduleSeconds: '0,10,60',
      defaultAvatarUrl: 'https://example.com/avatar.png',
      logLevel: 'DEBUG',
      retainData: 'false',
      alarmEmail: 'ops@example.com',
      throttleRateLimit: '20',
      throttleBurstLimit: '40',
    });
  });

  it('passes the configured values to every function', () => {
    const functions = Object.values(synthesized.template.findResources('AWS::Lambda::Function'));
    for (const fn of functions) {
      expect(fn.Properties.Environment.Variables).toMatchObject({
        WEBHOOK_ALLOWED_HOSTS: 'bot.example.com,*.dialogstudio.example',
        RETENTION_DAYS: '90',
        DELIVERY_SCHEDULE_SECONDS: '0,10,60',
        DEFAULT_AVATAR_URL: 'https://example.com/avatar.png',
        LOG_LEVEL: 'DEBUG',
        ALLOW_PRIVATE_WEBHOOKS: 'false',
      });
    }
  });

  it("allows CORS for the agent apps' origins only", () => {
    synthesized.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: ['https://agents.example.com', 'https://crm.example.com'],
        AllowHeaders: ['authorization', 'content-type', 'idempotency-key'],
      }),
    });
  });

  it("routes the Agent API's preflights away from $default (which would answer 405), to an empty 204", async () => {
    const preflight = synthesized.stack.api.functions.get(corsPreflightRoute.name);
    if (!preflight) throw new Error('No preflight function');
    const routes = Object.values(synthesized.template.findResources('AWS::ApiGatewayV2::Route'));
    const route = routes.find((it) => it.Properties.RouteKey === 'OPTIONS /agent/{proxy+}');
    const integrationId = route?.Properties.Target['Fn::Join'][1][1].Ref;
    const integration = synthesized.template.findResources('AWS::ApiGatewayV2::Integration')[integrationId];
    expect(integration?.Properties.IntegrationUri).toEqual({
      'Fn::GetAtt': [synthesized.logicalId(preflight), 'Arn'],
    });
    // Only the Agent API: DialogStudio never calls the Operator API from a browser.
    expect(routes.filter((it) => String(it.Properties.RouteKey).startsWith('OPTIONS'))).toHaveLength(1);
    expect(await corsPreflight()).toEqual({ statusCode: 204 });
  });

  it('lets a throwaway stack delete its table', () => {
    synthesized.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });

  it('mails alarms and applies the throttling limits to each route', () => {
    synthesized.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    synthesized.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
    });
  });
});

describe('deployment settings', () => {
  it('reads lists and numbers from cdk.json as JSON values too', () => {
    const settings = parseDeploymentSettings({
      webhookAllowedHosts: ['a.example.com'],
      deliveryScheduleSeconds: [0, 5],
      retainData: true,
    });
    expect(settings).toMatchObject({
      webhookAllowedHosts: ['a.example.com'],
      deliveryScheduleSeconds: [0, 5],
      retainData: true,
    });
  });

  it('refuses an agent app origin served over http, loopback included', () => {
    for (const origin of ['http://agents.example.com', 'http://localhost:5173']) {
      expect(() => parseDeploymentSettings({ agentAppOrigins: origin })).toThrow(
        /agentAppOrigins\.0: must be an https origin/,
      );
    }
  });

  it('refuses bad values before anything is synthesized, naming each one', () => {
    expect(() =>
      parseDeploymentSettings({
        agentAppOrigins: 'https://agents.example.com/app',
        retentionDays: 'forever',
        logLevel: 'LOUD' as 'INFO',
      }),
    ).toThrow(/agentAppOrigins\.0: .*retentionDays: .*logLevel: /);
  });
});

describe('cdk-nag', () => {
  it('fails synthesis on a finding nobody acknowledged', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = buildOperatorBridge(app);
    new Queue(stack, 'QueueWithoutTls');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });
});
