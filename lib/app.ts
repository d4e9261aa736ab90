import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { concreteEnvironment, EdgeFirewallStack, edgeFirewallRegion } from './edge.ts';
import { OperatorBridgeStack } from './operator-bridge-stack.ts';
import { deploymentSettingsFromContext } from './settings.ts';

export const stackName = 'OperatorBridge';

/**
 * The app as `cdk synth` builds it: the stack, configured from CDK context, checked by cdk-nag's
 * AwsSolutions pack. Tests build it the same way.
 */
export function buildOperatorBridge(app: App): OperatorBridgeStack {
  const settings = deploymentSettingsFromContext(app.node);
  // Environment-agnostic unless the CLI knows the account: synth needs no credentials.
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  // waf=true: the web ACL in its own stack in us-east-1, referenced across regions by the distribution.
  const firewall = settings.waf
    ? new EdgeFirewallStack(app, `${stackName}EdgeFirewall`, {
        description: 'Operator Bridge: the AWS WAF web ACL in front of its CloudFront distribution',
        env: { account: concreteEnvironment(env).account, region: edgeFirewallRegion },
        rateLimit: settings.wafRateLimit,
      })
    : undefined;
  const stack = new OperatorBridgeStack(app, stackName, {
    description: 'Operator Bridge: connects Tovie DialogStudio chatbots to human agents',
    settings,
    env: firewall ? concreteEnvironment(env) : cliEnvironment(),
    ...(firewall && { crossRegionReferences: true, webAclArn: firewall.webAcl.attrArn }),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return stack;
}

/**
 * The account and region the CDK CLI found in the user's credentials, or none: environment-agnostic
 * (`AWS::Region` and `AWS::AccountId` resolved at deploy time), so that a synth without credentials
 * makes a template for any region. Without credentials the CLI still sets CDK_DEFAULT_REGION (to
 * us-east-1), which alone would pin the template there.
 */
function cliEnvironment(): { account: string; region?: string } | undefined {
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  return account ? { account, region: process.env.CDK_DEFAULT_REGION } : undefined;
}
