import { Fn, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** CloudFront takes a web ACL only from us-east-1, whatever region the rest of the stack is in. */
export const edgeFirewallRegion = 'us-east-1';

export interface EdgeFirewallStackProps extends StackProps {
  /** Requests one IP address may send in any 5 minutes before it is blocked (WAF's minimum is 10). */
  rateLimit: number;
}

/**
 * The web ACL in front of the API's CloudFront distribution, in a stack of its own in us-east-1. One
 * rate-based rule, counted per source IP over 5 minutes: an address that sends more than `rateLimit`
 * requests (a flood of wrong channel tokens, say) is blocked at the edge until its rate drops, so its
 * requests never reach API Gateway and never spend a route's throttle budget that DialogStudio's calls
 * share.
 */
export class EdgeFirewallStack extends Stack {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeFirewallStackProps) {
    super(scope, id, { ...props, crossRegionReferences: true });
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: false,
    });
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      description: 'Operator Bridge: per-IP rate limit in front of the API',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('OperatorBridgeEdge'),
      rules: [
        {
          name: 'RatePerIp',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: { limit: props.rateLimit, evaluationWindowSec: 300, aggregateKeyType: 'IP' },
          },
          visibilityConfig: visibility('OperatorBridgeRatePerIp'),
        },
      ],
    });
  }
}

export interface EdgeDistributionProps {
  httpApi: HttpApi;
  /** The web ACL's ARN, from `EdgeFirewallStack` (a cross-region reference). */
  webAclArn: string;
}

/**
 * CloudFront in front of the HTTP API: nothing cached, every method and header but `Host` passed on,
 * HTTPS only; the WAF web ACL attached. The API's own URL keeps working (an HTTP API cannot be limited
 * to CloudFront without a custom domain), so its address is not printed where the edge URL is.
 */
export class EdgeDistribution extends Construct {
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: EdgeDistributionProps) {
    super(scope, id);
    const apiDomain = Fn.select(2, Fn.split('/', props.httpApi.apiEndpoint));
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Operator Bridge API behind AWS WAF',
      defaultBehavior: {
        origin: new HttpOrigin(apiDomain, {
          protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [OriginSslPolicy.TLS_V1_2],
        }),
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      },
      webAclId: props.webAclArn,
      priceClass: PriceClass.PRICE_CLASS_100,
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'DialogStudio and agents may call from any country; the WAF rate rule limits each address.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          "Access logs would record the path, which holds the Operator API's channel token; the API's access log records the route template.",
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate fixes the viewer TLS policy; a custom domain with its own certificate can raise it.',
      },
    );
  }

  /** The base URL agents and DialogStudio use, without a trailing slash. */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
}

/** The account and region a stack with WAF needs (cross-region references cannot be environment-agnostic). */
export function concreteEnvironment(env: { account?: string; region?: string }): {
  account: string;
  region: string;
} {
  if (!env.account || !env.region) {
    throw new Error(
      `waf=true needs a known account and region (cross-region reference to the web ACL in ${edgeFirewallRegion}): run cdk with credentials, or set CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION`,
    );
  }
  return { account: env.account, region: env.region };
}
