import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Needs a deployed stack; `npm run test:deployed` runs it.
    exclude: ['test/deployed/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    setupFiles: ['test/support/store-endpoint.ts'],
    env: { LOG_LEVEL: 'SILENT', AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1' },
  },
});
