#!/usr/bin/env node
// Settings read when modules load come first: a quiet logger, and on Node.js 20 (supported, see engines
// in package.json) no AWS SDK notice about its end of support on every call.
process.env.LOG_LEVEL ??= 'WARN';
if (Number(process.versions.node.split('.')[0]) < 22) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
const { register } = await import('tsx/esm/api');
register();
await import('../src/cli/main.ts');
