import { defineConfig } from 'vitest/config';

/** `npm run test:deployed`: the HTTP cases against a deployed stack (see test/deployed). */
export default defineConfig({
  test: {
    include: ['test/deployed/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { LOG_LEVEL: 'SILENT', AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1' },
  },
});
