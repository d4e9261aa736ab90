import { defineConfig } from 'vitest/config';

/** `npm run test:browser`: the agent console in Debian's Chromium, against the local runtime. */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One browser at a time: the scenarios share a stack and follow each other.
    fileParallelism: false,
    env: { LOG_LEVEL: 'SILENT', AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1' },
  },
});
