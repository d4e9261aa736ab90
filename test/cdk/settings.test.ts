import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOperatorBridge } from '../../lib/app.ts';
import { parseDeploymentSettings } from '../../lib/settings.ts';
import { type Synthesized, synthesize } from './synthesize.ts';

describe('a deployment configured through CDK context', () => {
  let synthesized: Synthesized;

  beforeAll(() => {
    // As `-c key=value` passes them: every value a string.
    synthesized = synthesize({
      consoleOrigin: 'https://console.example.com',
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

  it("allows CORS for the console's origin only", () => {
    synthesized.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: ['https://console.example.com'],
        AllowHeaders: ['authorization', 'content-type', 'idempotency-key'],
      }),
    });
  });

  it('lets a throwaway stack delete its table', () => {
    synthesized.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });

  it('mails alarms and applies the throttling limits', () => {
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

  it('refuses bad values before anything is synthesized, naming each one', () => {
    expect(() =>
      parseDeploymentSettings({
        consoleOrigin: 'https://console.example.com/app',
        retentionDays: 'forever',
        logLevel: 'LOUD' as 'INFO',
      }),
    ).toThrow(/consoleOrigin: .*retentionDays: .*logLevel: /);
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
