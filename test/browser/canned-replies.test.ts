import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack } from '#local/stack.ts';
import { createCannedReply } from '#use-cases/admin/create-canned-reply.ts';
import { type Client, httpClient, root } from '../support/clients.ts';
import { eventually, startWebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * Canned replies, the wait and the first response in the agent console: Chromium against the local
 * runtime, a test client playing DialogStudio, and a webhook receiver standing in for its webhook.
 */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let stack: Awaited<ReturnType<typeof startLocalStack>>;
let dataDir: string;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let dialogStudio: Client;
let operatorPath: string;
let browser: Browser;
let page: Page;

/** The wait and the first response the console is shown, set on each conversation the Agent API lists. */
const waitingSince = new Date(Date.now() - 7 * 60_000);
const firstResponseAt = new Date(waitingSince.getTime() + 150_000);

/**
 * Gives every listed conversation a `waitingSince` seven minutes back and, once accepted, a first
 * response two and a half minutes after it: the console's arithmetic is under test here, not the
 * server's bookkeeping of them, which its own tests check.
 */
async function withKnownWait(target: Page) {
  await target.route(
    (url) => url.pathname.endsWith('/agent/conversations'),
    async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      for (const conversation of body.conversations ?? []) {
        conversation.waitingSince = waitingSince.toISOString();
        if (conversation.status !== 'waiting') conversation.firstResponseAt = firstResponseAt.toISOString();
        else delete conversation.firstResponseAt;
      }
      await route.fulfill({ response, json: body });
    },
  );
}

beforeAll(async () => {
  process.env.TABLE_NAME = 'operator-bridge-canned-browser-test';
  process.env.DELIVERY_SCHEDULE_SECONDS = '0,0.2';
  process.env.DELIVERY_SWEEP_SECONDS = '0.1';
  process.env.DELIVERY_TIMEOUT_MS = '1000';
  dataDir = await mkdtemp(join(tmpdir(), 'operator-bridge-canned-'));
  stack = await startLocalStack({ dataDir, port: 0, host: '127.0.0.1', root });
  receiver = await startWebhookReceiver(() => 200);
  dialogStudio = httpClient(stack.baseUrl);
  operatorPath = new URL(stack.info.operatorApiUrl).pathname;
  await dialogStudio('POST', `${operatorPath}/setWebhook`, { url: receiver.url() });
  for (const [shortcut, title, text] of [
    [
      'hello',
      'Greeting',
      'Hi {userName}, {agentFirstName} here. Your {attributes.plan} plan {attributes.crmSecret}',
    ],
    ['bye', 'Goodbye', 'Bye {userName}!'],
  ] as const) {
    await createCannedReply(stack.deps, { destinationId: 'support', shortcut, title, text });
  }
  await createCannedReply(stack.deps, {
    destinationId: 'sales',
    shortcut: 'sales-only',
    title: 'S',
    text: 'S',
  });
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  await withKnownWait(page);
  await page.goto(stack.info.consoleUrl);
  await page.getByText('Nobody is waiting').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await receiver?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const composer = () => page.getByRole('textbox', { name: 'Message' });
const cannedList = () => page.getByRole('listbox', { name: 'Canned replies' });

describe('canned replies, the wait and the first response, in a browser', () => {
  it('shows how long a waiting conversation has waited, and that nobody has answered it yet', async () => {
    // Act
    await dialogStudio('POST', `${operatorPath}/selectDestination`, {
      userId: 'client-marta',
      destinationId: 'support',
      userName: 'Marta',
      attributes: { plan: 'gold' },
      hiddenAttributes: { crmSecret: 'hidden-value-77' },
    });
    const item = page.locator('.queue-item', { hasText: 'Marta' });

    // Assess
    // Seven minutes, and however long this run took to get here on a loaded machine.
    await item.getByText(/waiting [7-9] min/).waitFor({ timeout: 15_000 });
    await item.click();
    await page.locator('.conversation-header .first-response', { hasText: 'not answered yet' }).waitFor();
  });

  it('/hel and Enter put the greeting in the box with its placeholders filled, never a hidden attribute', async () => {
    // Prepare
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.locator('.conversation-header [data-status="active"]').waitFor();

    // Act
    await composer().click();
    await page.keyboard.type('/hel');
    const options = cannedList().getByRole('option');
    await options.first().waitFor();
    const listed = await options.allTextContents();
    await page.keyboard.press('Enter');

    // Assess
    expect(listed).toHaveLength(1);
    expect(listed[0]).toContain('/hello');
    expect(await composer().inputValue()).toBe('Hi Marta, Local here. Your gold plan {attributes.crmSecret}');
    expect(await cannedList().count()).toBe(0);
    expect(await page.content()).not.toContain('hidden-value-77');
  });

  it('sends the reply as edited, with the placeholders filled, to the webhook', async () => {
    // Act: the caret is at the end of the inserted text; the agent replaces the unfilled placeholder.
    for (const _ of '{attributes.crmSecret}') await page.keyboard.press('Backspace');
    await page.keyboard.type('today.');
    await page.keyboard.press('Enter');

    // Assess
    const sent = await eventually(
      () => receiver.accepted().find((request) => request.body.type === 'TextMessage'),
      (request) => request !== undefined,
    );
    expect(sent?.body.text).toBe('Hi Marta, Local here. Your gold plan today.');
    expect(await composer().inputValue()).toBe('');
  });

  it('chooses with the arrow keys among the replies of the agent’s groups, and Escape closes the list', async () => {
    // Act
    await composer().fill('/');
    const shortcuts = await cannedList().locator('.shortcut').allTextContents();
    await page.keyboard.press('ArrowDown');
    const chosen = await cannedList().locator('[aria-selected="true"] .shortcut').textContent();
    await page.keyboard.press('Escape');
    const closed = await cannedList().count();
    // The list stays closed while the `/` is there; typing it again opens it.
    await page.keyboard.press('Backspace');
    await page.keyboard.type('/by');
    await page.keyboard.press('Tab');

    // Assess
    expect(shortcuts).toEqual(['/bye', '/hello', '/sales-only']);
    expect(chosen).toBe('/hello');
    expect(closed).toBe(0);
    expect(await composer().inputValue()).toBe('Bye Marta!');
  });

  it('shows the first-response time in the header once answered', async () => {
    // Act: the transcript's change reloads the queue, whose answer now carries firstResponseAt.
    const header = page.locator('.conversation-header .first-response');

    // Assess
    await header.getByText('first response in 2 min').waitFor({ timeout: 15_000 });
  });
});
