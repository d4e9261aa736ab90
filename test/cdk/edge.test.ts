import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { routes } from '#api/routes.ts';
import { stackName } from '../../lib/app.ts';
import { type Synthesized, synthesize } from './synthesize.ts';

/**
 * Throttling that protects DialogStudio's calls (issue 18, finding 7): per-route limits sized for the
 * Operator API, and with `-c waf=true` CloudFront and an AWS WAF rate rule per IP in front of the API.
 */
const saved = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
beforeEach(() => {
  process.env.CDK_DEFAULT_ACCOUNT = '123456789012';
  process.env.CDK_DEFAULT_REGION = 'eu-central-1';
});
afterEach(() => {
  for (const [name, value] of [
    ['CDK_DEFAULT_ACCOUNT', saved.account],
    ['CDK_DEFAULT_REGION', saved.region],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** The stack as deployed by default: no `waf` context. */
let plain: Synthesized;
beforeAll(() => {
  plain = synthesize();
}, 180_000);

const operatorRouteKeys = routes
  .filter((route) => route.path.startsWith('/operator/'))
  .map((route) => `${route.method} ${route.path}`);

describe('throttling', () => {
  it('gives the Operator API routes a budget of their own, above the default every other route keeps', () => {
    // Act
    const { template } = plain;

    // Assess
    const stages = Object.values(template.findResources('AWS::ApiGatewayV2::Stage')).filter(
      (stage) => stage.Properties.StageName === '$default',
    );
    expect(stages).toHaveLength(1);
    const [stage] = stages;
    expect(stage?.Properties.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: 50,
      ThrottlingBurstLimit: 100,
    });
    expect(Object.keys(stage?.Properties.RouteSettings ?? {}).sort()).toEqual([...operatorRouteKeys].sort());
    for (const key of operatorRouteKeys) {
      expect(stage?.Properties.RouteSettings[key]).toEqual({
        ThrottlingRateLimit: 200,
        ThrottlingBurstLimit: 400,
      });
    }
    expect(operatorRouteKeys).toHaveLength(6);
    // The stage names routes by key, so it waits for them.
    expect(((stage?.DependsOn ?? []) as string[]).length).toBeGreaterThanOrEqual(6);
  });

  it('puts nothing in front of the API unless asked', () => {
    // Act
    const { template, stack } = plain;

    // Assess
    template.resourceCountIs('AWS::CloudFront::Distribution', 0);
    expect(stack.node.root.node.tryFindChild(`${stackName}EdgeFirewall`)).toBeUndefined();
  });

  it('with waf=true, serves the API through CloudFront with a per-IP rate rule from a us-east-1 web ACL', {
    timeout: 180_000,
  }, () => {
    // Act
    const { template, stack } = synthesize({ waf: 'true', wafRateLimit: '500' });
    const firewall = stack.node.root.node.findChild(`${stackName}EdgeFirewall`) as Stack;
    const acl = Template.fromStack(firewall);

    // Assess
    expect(firewall.region).toBe('us-east-1');
    expect(stack.region).toBe('eu-central-1');
    acl.resourceCountIs('AWS::WAFv2::WebACL', 1);
    acl.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Action: { Block: {} },
          Statement: {
            RateBasedStatement: { Limit: 500, EvaluationWindowSec: 300, AggregateKeyType: 'IP' },
          },
        }),
      ],
    });
    template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
    const config = distribution?.Properties.DistributionConfig;
    expect(config.WebACLId).toBeDefined();
    expect(JSON.stringify(config.WebACLId)).not.toBe('""');
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: expect.arrayContaining(['POST', 'GET', 'PUT']),
    });
    expect(config.Origins[0].CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    // The URL people are given is the edge's, so their requests pass the WAF.
    const apiUrl = template.findOutputs('ApiUrl').ApiUrl?.Value;
    expect(JSON.stringify(apiUrl)).toContain('DomainName');
    expect(JSON.stringify(apiUrl)).not.toContain('ApiEndpoint');
  });

  it('refuses waf=true where the account and region are unknown, saying what to do', () => {
    // Prepare
    delete process.env.CDK_DEFAULT_ACCOUNT;
    delete process.env.CDK_DEFAULT_REGION;

    // Act and assess
    expect(() => synthesize({ waf: 'true' })).toThrow(/waf=true needs a known account and region/);
  });
});
