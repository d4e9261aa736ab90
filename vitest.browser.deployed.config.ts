import { defineConfig } from 'vitest/config';

/**
 * `npm run test:browser:deployed`: the agent console in Debian's Chromium against the synthesized
 * template run locally (scripts/aws-local), the console and its WebSocket on different origins as on
 * AWS. Needs what `test:deployed` needs (Java, Python's moto) and Chromium.
 */
export default defineConfig({
  test: {
    include: ['test/deployed/browser/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    globalSetup: ['test/deployed/global-setup.ts'],
    fileParallelism: false,
    env: { LOG_LEVEL: 'SILENT', AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1' },
  },
});
