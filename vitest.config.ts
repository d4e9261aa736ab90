import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Need a deployed stack (`npm run test:deployed`) or a browser (`npm run test:browser`).
    exclude: ['test/deployed/**', 'test/browser/**', 'node_modules/**'],
    setupFiles: ['test/support/store-endpoint.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: {
      LOG_LEVEL: 'SILENT',
      AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  },
});
