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
    // Environment-agnostic unless the CLI knows the account: synth needs no credentials.
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return stack;
}
