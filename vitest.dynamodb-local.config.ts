import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

/**
 * `npm run test:dynamodb-local`: the storage-facing test files again, on AWS's DynamoDB Local instead of
 * dynalite, which accepts things DynamoDB refuses. One DynamoDB Local serves the run (global setup);
 * each file works in a table of its own.
 */
const testDir = join(import.meta.dirname, 'test');
const named = [
  'operator-api.handlers',
  'operator-api.http',
  'agent-api.handlers',
  'agent-api.http',
  'delivery',
  'delivery-handlers',
  'outbox',
  'crash',
  'retention',
  'platform-notifications',
];
const storageFacing = readdirSync(testDir, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.test.ts') && !file.startsWith('deployed'))
  .filter(
    (file) =>
      named.includes(basename(file).replace(/\.test\.ts$/, '')) ||
      file.includes('.store.') ||
      /useEmbeddedStore\(|useDeliveringStore\(/.test(readFileSync(join(testDir, file), 'utf8')),
  )
  .map((file) => `test/${file}`);

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: storageFacing,
    globalSetup: ['test/support/dynamodb-local/global-setup.ts'],
  },
});
