import { defineConfig } from 'vitest/config';

/**
 * `npm run test:deployed`: the HTTP cases and the deployed wiring. Against the synthesized template run
 * on this machine (scripts/aws-local: DynamoDB Local, which needs Java, and moto, which needs Python)
 * unless DEPLOYED_API_URL names a real deployment (see test/deployed/deployed.test.ts).
 */
export default defineConfig({
  test: {
    include: ['test/deployed/**/*.test.ts'],
    // The console in Chromium: `npm run test:browser:deployed`.
    exclude: ['test/deployed/browser/**'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    globalSetup: ['test/deployed/global-setup.ts'],
    // The files share two emulators and a machine: one at a time.
    fileParallelism: false,
    env: { LOG_LEVEL: 'SILENT', AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1' },
  },
});
