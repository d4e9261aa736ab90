import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * What the Lambda bundles use in place of `@aws-sdk/credential-provider-node` (an esbuild alias in
 * `lib/bundling.ts`): a Lambda function finds its role's credentials in its environment, so the
 * default chain's SSO, STS, INI-file and instance-metadata providers, with their nested clients,
 * are dead weight there (about 90 KiB of every bundle). Same export as the package it replaces.
 * The command-line tool and the local runtime are not bundled and keep the whole chain.
 */
export const defaultProvider: typeof import('@aws-sdk/credential-provider-node').defaultProvider = (init) =>
  fromEnv(init);
