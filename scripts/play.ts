import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { isHttpUrl, withoutTrailingSlashes } from '#domain/shared/base-url.ts';

/**
 * `npm run play`: plays DialogStudio against a running bridge, as a newcomer does before connecting the
 * real one. It sets a webhook (its own receiver on loopback, or `--webhook`), opens a conversation with
 * the DialogStudio page's example bodies, sends each line typed as a client message, and prints the
 * agent events the webhook receives as they arrive.
 */

const usage = `Usage: npm run play -- [API_URL] [--webhook URL] [--user ID] [--destination ID]

  API_URL        a channel's Operator API URL (default: the local stack's, from $DATA_DIR/local-stack.json)
  --webhook URL  where the bridge posts agent events (default: a receiver this command runs on 127.0.0.1;
                 a deployed bridge cannot reach that, so give a public receiver for one)
  --user ID      the client's userId (default: a new one)
  --destination  the destinationId to open the conversation in (default: the page's example, 54321,
                 which the bridge puts in the channel's default destination)

Then type client messages, one per line; /file URL sends a file link, /close closes the chat and exits.
`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function readOptions() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        webhook: { type: 'string' },
        user: { type: 'string' },
        destination: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message.split('\n')[0]}\n\n${usage}`);
    process.exit(2);
  }
}

const { values, positionals } = readOptions();
if (values.help) {
  process.stdout.write(usage);
  process.exit(0);
}

async function localApiUrl(): Promise<string> {
  const dataDir = resolve(process.env.DATA_DIR ?? join(import.meta.dirname, '..', '.data'));
  const file = join(dataDir, 'local-stack.json');
  try {
    return (JSON.parse(await readFile(file, 'utf8')) as { operatorApiUrl: string }).operatorApiUrl;
  } catch {
    fail(
      `error: no ${file}: start the local stack first (npm start), or give the API URL: npm run play -- <API_URL>`,
    );
  }
}

const apiUrl = withoutTrailingSlashes(positionals[0] ?? (await localApiUrl()));
if (!isHttpUrl(apiUrl)) fail(`error: not an http(s) URL: ${apiUrl}`);
/** The API URL as it may be shown: its token is a credential. */
const shownApi = `${new URL(apiUrl).origin}/operator/…`;

function describe(event: Record<string, unknown>): string {
  const employee = event.employee as { firstName?: string; lastName?: string } | undefined;
  const who = employee ? `${employee.firstName ?? ''} ${employee.lastName ?? ''}`.trim() : 'agent';
  switch (event.type) {
    case 'TextMessage':
      return `${who}: ${event.text}`;
    case 'FileMessage':
      return `${who} sent a file: ${event.name} (${event.size} bytes) ${event.url}${event.comment ? ` - ${event.comment}` : ''}`;
    case 'Closed':
      return `${who} closed the conversation`;
    case 'SelectDestination': {
      const destination = event.destination as { destinationId?: string; name?: string; hasOnline?: boolean };
      return `moved to ${destination.name} (${destination.destinationId}), ${destination.hasOnline ? 'an agent is online' : 'no agent online'}`;
    }
    default:
      return JSON.stringify(event);
  }
}

/** DialogStudio's side of the webhook: prints each agent event and answers 200. */
async function startReceiver() {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        process.stdout.write(`<- ${describe(event)}\n`);
      } catch {
        process.stdout.write('<- (a body that is not JSON)\n');
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/chatapi/webhook/operatorapi/play`, close: () => server.close() };
}

async function call(method: 'GET' | 'POST', path: string, body?: object): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    fail(`error: cannot reach ${shownApi} (${(error as Error).message}): is the bridge running?`);
  }
  const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const detail = (answer.error as { code?: string; message?: string } | undefined) ?? {};
    fail(`error: ${path} answered ${response.status}: ${detail.message ?? ''} (${detail.code ?? 'no code'})`);
  }
  return answer;
}

const isLoopback = ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(apiUrl).hostname);
if (!values.webhook && !isLoopback) {
  fail(
    `error: ${new URL(apiUrl).host} cannot post to a receiver on this machine's loopback: give --webhook with a public URL`,
  );
}
const receiver = values.webhook ? undefined : await startReceiver();
const webhook = values.webhook ?? (receiver?.url as string);
const userId = values.user ?? `play-${randomBytes(4).toString('hex')}`;

await call('POST', '/setWebhook', { url: webhook });
const { destinations } = (await call('GET', '/getDestinations')) as {
  destinations: { destinationId: string; name: string; hasOnline: boolean }[];
};
// The example body of DialogStudio's page, with this session's user.
const opened = await call('POST', '/selectDestination', {
  userId,
  destinationId: values.destination ?? '54321',
  userName: 'firstName lastName',
  attributes: { key1: 'value1', key2: 'value2' },
  hiddenAttributes: { key1: 'value1', key2: 'value2' },
  customData: {},
});

process.stdout.write(`Playing DialogStudio against ${shownApi}
  Webhook: ${webhook}${receiver ? ' (agent events are printed here as they arrive)' : ''}
  Destinations: ${destinations.map((d) => `${d.destinationId}${d.hasOnline ? ' (online)' : ''}`).join(', ')}
  Conversation ${opened.conversationId} opened for user ${userId} in ${opened.destinationId}.
  An agent takes it in the console or through the Agent API (README: Try it by hand).
Type a client message and press Enter; /file URL sends a file link, /close closes the chat.
`);

async function stop(code: number) {
  receiver?.close();
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop(0));

const input = createInterface({ input: process.stdin, terminal: false });
for await (const line of input) {
  const text = line.trim();
  if (!text) continue;
  if (text === '/close') {
    await call('POST', '/closeChat', { userId, text: 'The user closed the dialog' });
    process.stdout.write('-> closed the chat\n');
    await stop(0);
  } else if (text.startsWith('/file ')) {
    const url = text.slice('/file '.length).trim();
    await call('POST', '/sendFile', { userId, url, fileName: url.split('/').pop() || 'file' });
    process.stdout.write(`-> sent the file ${url}\n`);
  } else {
    await call('POST', '/sendText', { userId, text });
    process.stdout.write('-> sent\n');
  }
}
// Input ended (a pipe): keep receiving agent events until stopped.
