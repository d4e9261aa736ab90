import { join, resolve } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, type RecursiveLoop, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { functionBundling } from './bundling.ts';

/** The repository root: handler entries in the route table are relative to it. */
export const projectRoot = resolve(import.meta.dirname, '..');

export interface BridgeFunctionProps {
  /** The handler module, relative to the project root (as in the route table). */
  entry: string;
  description: string;
  environment: Record<string, string>;
  /** @default 10 seconds, well under API Gateway's 30-second integration limit */
  timeout?: Duration;
  /** Extra esbuild arguments, such as the alias that embeds the agent console. */
  esbuildArgs?: Record<string, string>;
  /**
   * `ALLOW` for a function that is meant to send to the queue that invokes it (the retry timer): Lambda
   * otherwise stops such a chain after about 16 hops.
   * @default Lambda's default, which stops recursive loops
   */
  recursiveLoop?: RecursiveLoop;
}

/**
 * Every function of the stack, with the same defaults: Node.js 22 on arm64, one bundle per handler
 * (`functionBundling`), and its own log group with a retention period. Its role starts empty
 * but for writing to that log group; `grantTableAccess` adds the rest.
 */
export class BridgeFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: BridgeFunctionProps) {
    // Siblings of the function, because `this` does not exist before super().
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Instead of AWSLambdaBasicExecutionRole, which may write to every log group of the account.
    const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: join(projectRoot, props.entry),
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: props.timeout ?? Duration.seconds(10),
      environment: props.environment,
      logGroup,
      role,
      recursiveLoop: props.recursiveLoop,
      bundling: {
        ...functionBundling,
        // A function may add its own esbuild arguments (the console's embedded files) to the shared ones.
        esbuildArgs: { ...functionBundling.esbuildArgs, ...props.esbuildArgs },
      },
    });
    // CDK makes every function depend on its role explicitly (so that the role's policies exist before
    // the function does) although `Role` already references it; cfn-lint's W3005 flags the repetition.
    (this.node.defaultChild as CfnFunction).addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Node.js 22 (LTS) is the runtime this project targets; upgrading is a one-line change here.',
    });
  }
}

/** Table grants live with the key families they are made of; re-exported where the functions are made. */
export { grantTableAccess } from './table-grants.ts';
