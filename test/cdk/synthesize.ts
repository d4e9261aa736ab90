import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { buildOperatorBridge } from '../../lib/app.ts';
import type { OperatorBridgeStack } from '../../lib/operator-bridge-stack.ts';

export interface Synthesized {
  stack: OperatorBridgeStack;
  template: Template;
  /** The logical id of a construct's CloudFormation resource, as it appears in the template. */
  logicalId: (construct: IConstruct) => string;
}

/**
 * Builds the app exactly as `bin/app.ts` does (cdk-nag included: synthesis throws on any unacknowledged
 * finding), with the given CDK context. Bundling is skipped here: `synth.test.ts` bundles for real.
 */
export function synthesize(context: Record<string, unknown> = {}): Synthesized {
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'operator-bridge-cdk-')),
    context: { ...context, 'aws:cdk:bundling-stacks': [] },
  });
  const stack = buildOperatorBridge(app);
  app.synth();
  return {
    stack,
    template: Template.fromStack(stack),
    logicalId: (construct) => Stack.of(construct).resolve((resourceOf(construct) as CfnElement).logicalId),
  };
}

function resourceOf(construct: IConstruct): IConstruct {
  return construct.node.defaultChild ?? construct;
}
