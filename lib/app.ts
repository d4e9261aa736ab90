import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { OperatorBridgeStack } from './operator-bridge-stack.ts';
import { deploymentSettingsFromContext } from './settings.ts';

export const stackName = 'OperatorBridge';

/**
 * The app as `cdk synth` builds it: the stack, configured from CDK context, checked by cdk-nag's
 * AwsSolutions pack. Tests build it the same way.
 */
export function buildOperatorBridge(app: App): OperatorBridgeStack {
  const stack = new OperatorBridgeStack(app, stackName, {
    description: 'Operator Bridge: connects Tovie DialogStudio chatbots to human agents',
    settings: deploymentSettingsFromContext(app.node),
    env: cliEnvironment(),
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
