import { join, resolve } from 'node:path';
import ipaddr from 'ipaddr.js';
import { publicUrlSetting } from '#config';
import { isHttpUrl, withoutTrailingSlashes } from '#domain/shared/base-url.ts';
import { acquireDataDirLock } from '#local/data-dir-lock.ts';
import { keepDataDirPrivate } from '#local/private-dir.ts';

/**
 * `npm start`: the local runtime, persisted under DATA_DIR (default .data), on PORT (default 3000).
 * Settings that modules read when they load are set first, and everything else is imported after.
 */
process.env.LOG_LEVEL ??= 'WARN';
// The AWS SDK warns on every start that Node.js 20 support ends; engines in package.json says what we support.
if (Number(process.versions.node.split('.')[0]) < 22) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

const root = resolve(import.meta.dirname, '../..');
const dataDir = resolve(process.env.DATA_DIR ?? join(root, '.data'));
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';

/** One line on stderr and exit 1: what a person can act on, without a stack trace. */
function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function publicUrlOf(): string | undefined {
  const value = publicUrlSetting();
  if (!value) return undefined;
  if (!isHttpUrl(value)) {
    fail(`PUBLIC_URL must be an http(s) URL, such as https://bridge.example.com (got ${value})`);
  }
  return withoutTrailingSlashes(value);
}

function isLoopback(name: string): boolean {
  if (name === 'localhost') return true;
  return ipaddr.isValid(name) && ipaddr.process(name).range() === 'loopback';
}

const publicUrl = publicUrlOf();
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`PORT must be a port number (got ${process.env.PORT})`);

/**
 * Exposed: reachable from elsewhere (PUBLIC_URL, or listening beyond loopback). Then whoever has a channel
 * URL could make the bridge post to this machine's network, so private and loopback webhooks are refused
 * unless ALLOW_PRIVATE_WEBHOOKS=true says otherwise (PRODUCT.md section 1).
 */
const exposed = publicUrl !== undefined || !isLoopback(host);
process.env.ALLOW_PRIVATE_WEBHOOKS ??= exposed ? 'false' : 'true';
if (port !== 0) {
  // Never to the runtime's own port (its store's port is added when the store starts).
  process.env.WEBHOOK_REFUSED_LOCAL_PORTS = String(port);
  // The live-updates URL a ticket names comes from the configured base, never from a request's Host header.
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  const base = publicUrl ?? `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
  process.env.LIVE_URL ??= `${base.replace(/^http/i, 'ws')}/live`;
}

await keepDataDirPrivate(dataDir).catch((error: Error) =>
  fail(`DATA_DIR ${dataDir} cannot be made private to this user: ${error.message}`),
);
const lock = await acquireDataDirLock(dataDir).catch((error: Error) => fail(error.message));
const { startLocalStack } = await import('#local/stack.ts');
const stack = await startLocalStack({ dataDir, port, host, root, publicUrl }).catch(async (error) => {
  await lock.release();
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    fail(`Port ${port} is in use: stop what holds it, or choose another with PORT=${port + 1} npm start`);
  if (code === 'EACCES')
    fail(`Port ${port} needs privileges this user lacks: choose another with PORT=3000 npm start`);
  if (code === 'EADDRNOTAVAIL')
    fail(`HOST ${host} is not an address of this machine: try HOST=127.0.0.1 or HOST=0.0.0.0`);
  throw error;
});

const reach = publicUrl
  ? `  Public URL: ${publicUrl} (PUBLIC_URL), used for every URL below.`
  : host === '0.0.0.0' || host === '::'
    ? '  Listening on every interface, but without PUBLIC_URL the URLs below are for testing on this machine only:\n' +
      '  set PUBLIC_URL to the address DialogStudio reaches (a tunnel, a reverse proxy).'
    : '  These URLs are for this machine only; DialogStudio reaches the bridge through a tunnel and PUBLIC_URL (README: Connect DialogStudio).';

console.log(`Operator Bridge is running on ${stack.baseUrl}
${reach}

  Operator API URL (paste into DialogStudio: Channels > Transfer to the agent > Operator API > API URL):
    ${stack.info.operatorApiUrl}

  Agent API: ${stack.info.agentApiUrl}  (Authorization: Bearer <agent token>)
  Agent ${stack.info.employeeId}, token: ${stack.info.agentToken}
  Agent console: ${stack.info.consoleUrl}
  API description: ${stack.info.baseUrl}/openapi.json

  Try it as DialogStudio would, in another terminal: npm run play
  Data: ${dataDir}, private to this user (written to ${resolve(dataDir, 'local-stack.json')})${
    exposed && process.env.ALLOW_PRIVATE_WEBHOOKS === 'false'
      ? '\n  Exposed: webhooks to private and loopback addresses are refused (ALLOW_PRIVATE_WEBHOOKS=true allows them).'
      : ''
  }
  Stop with Ctrl+C; a restart keeps the data and the URL.
`);

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    void stack
      .close()
      .then(() => lock.release())
      .then(() => process.exit(0));
  });
}
