import { type Browser, chromium, type Page, type WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack } from '#local/stack.ts';
import { type Client, httpClient, root } from '../support/clients.ts';
import { eventually } from '../support/webhook-receiver.ts';

/**
 * The console's side of live updates, against a WebSocket that the test plays (Playwright's
 * routeWebSocket) and tickets it hands out: notifications trigger refetches through the Agent API, a
 * dropped connection shows "reconnecting", comes back with a fresh ticket and catches up, and an idle
 * console sends nothing.
 */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let stack: Awaited<ReturnType<typeof startLocalStack>>;
let dialogStudio: Client;
let operatorPath: string;
let browser: Browser;
let page: Page;
const sockets: WebSocketRoute[] = [];
const closedByPage: string[] = [];
let tickets = 0;
/** How many ticket requests to answer 503 before issuing tickets again. */
let ticketFailures = 0;
const ticketRequests: number[] = [];
const apiReads: string[] = [];

function notify(type: string, conversationId: string) {
  sockets.at(-1)?.send(JSON.stringify({ type, conversationId }));
}

beforeAll(async () => {
  process.env.TABLE_NAME = 'operator-bridge-console-live-test';
  stack = await startLocalStack({ port: 0, host: '127.0.0.1', root });
  dialogStudio = httpClient(stack.baseUrl);
  operatorPath = new URL(stack.info.operatorApiUrl).pathname;
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  const socketUrl = `${stack.baseUrl.replace('http', 'ws')}/agent/live`;
  await page.route('**/agent/live/ticket', async (route) => {
    ticketRequests.push(Date.now());
    if (ticketFailures > 0) {
      ticketFailures -= 1;
      await route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":{"code":"x"}}' });
      return;
    }
    tickets += 1;
    await route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        ticket: `ticket-${tickets}`,
        url: socketUrl,
        expiresAt: new Date(Date.now() + 30_000).toISOString(),
      }),
    });
  });
  await page.routeWebSocket(/\/agent\/live/, (socket) => {
    sockets.push(socket);
    socket.onClose(() => closedByPage.push(socket.url()));
  });
  page.on('request', (request) => {
    if (request.method() === 'GET' && request.url().includes('/agent/conversations'))
      apiReads.push(request.url());
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('live updates in the console', () => {
  it('connects with a single-use ticket in the URL, never the agent token', async () => {
    await page.goto(stack.info.consoleUrl);
    await page.locator('[data-live="live"]').waitFor();
    expect(sockets).toHaveLength(1);
    const url = new URL(sockets[0]?.url() ?? '');
    expect(url.searchParams.get('ticket')).toBe('ticket-1');
    expect(url.href).not.toContain(stack.info.agentToken);
  });

  it('costs no requests while idle', async () => {
    const before = apiReads.length;
    await new Promise((resolve) => setTimeout(resolve, 6000));
    expect(apiReads.length).toBe(before);
  });

  it('refetches the queue and the open conversation when notified', async () => {
    const opened = await dialogStudio('POST', `${operatorPath}/selectDestination`, {
      userId: 'client-live',
      destinationId: 'support',
      userName: 'Lea Live',
    });
    const conversationId: string = opened.body.conversationId;
    notify('conversation.created', conversationId);
    const item = page.locator('.queue-item', { hasText: 'Lea Live' });
    await item.waitFor({ timeout: 2000 });
    await item.click();
    await dialogStudio('POST', `${operatorPath}/sendText`, { userId: 'client-live', text: 'Ping over live' });
    notify('message.created', conversationId);
    await page.locator('.transcript .message', { hasText: 'Ping over live' }).waitFor({ timeout: 2000 });
  });

  it('shows "reconnecting" when the connection drops, then reconnects with a new ticket and catches up', async () => {
    await sockets.at(-1)?.close({ code: 1011, reason: 'test drop' });
    await page.locator('[data-live="reconnecting"]').waitFor();
    // Missed while disconnected: no notification will ever say so.
    await dialogStudio('POST', `${operatorPath}/sendText`, {
      userId: 'client-live',
      text: 'Sent while away',
    });
    await page.locator('[data-live="live"]').waitFor({ timeout: 10_000 });
    expect(tickets).toBe(2);
    expect(new URL(sockets.at(-1)?.url() ?? '').searchParams.get('ticket')).toBe('ticket-2');
    await page.locator('.transcript .message', { hasText: 'Sent while away' }).waitFor({ timeout: 2000 });
  });

  it('backs off while tickets cannot be had, waiting longer each time', async () => {
    ticketFailures = 2;
    const before = ticketRequests.length;
    await sockets.at(-1)?.close({ code: 1011, reason: 'test drop' });
    await page.locator('[data-live="reconnecting"]').waitFor();
    await page.locator('[data-live="live"]').waitFor({ timeout: 15_000 });
    const attempts = ticketRequests.slice(before);
    expect(attempts).toHaveLength(3);
    const [first = 0, second = 0, third = 0] = attempts;
    // Waits of 0.5-1 s, then 1-2 s, then 2-4 s (exponential, with jitter).
    expect(second - first).toBeGreaterThanOrEqual(900);
    expect(third - second).toBeGreaterThanOrEqual(1900);
  });

  it('closes the connection on sign-out and opens no other', async () => {
    const opened = sockets.length;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Agent token').waitFor();
    await eventually(
      () => closedByPage.length,
      (closed) => closed >= 1,
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(sockets.length).toBe(opened);
  });
});
