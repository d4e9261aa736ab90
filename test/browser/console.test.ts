import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack } from '#local/stack.ts';
import { createAgent } from '#use-cases/admin/create-agent.ts';
import { revokeAgent } from '#use-cases/admin/revoke-agent.ts';
import { updateDestination } from '#use-cases/admin/update-destination.ts';
import { type Client, httpClient, root } from '../support/clients.ts';
import { eventually, startWebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * The agent console as an agent uses it: Debian's Chromium against the local runtime on a random port,
 * a test client playing DialogStudio over HTTP, and a webhook receiver standing in for its webhook.
 */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const screenshots = join(root, 'test-results');

let stack: Awaited<ReturnType<typeof startLocalStack>>;
let dataDir: string;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let dialogStudio: Client;
let operatorPath: string;
let browser: Browser;
let first: { context: BrowserContext; page: Page };
let second: { context: BrowserContext; page: Page };
let secondEmployeeId: string;
let conversationId: string;

/** Desktop notifications the page raised, recorded instead of shown (headless Chromium has no desktop). */
function recordNotifications() {
  const shown: string[] = [];
  (window as unknown as { shownNotifications: string[] }).shownNotifications = shown;
  class RecordedNotification {
    static permission = 'granted';
    static requestPermission = async () => 'granted';
    onclick: (() => void) | null = null;
    constructor(title: string) {
      shown.push(title);
    }
  }
  (window as unknown as { Notification: unknown }).Notification = RecordedNotification;
}

async function openContext(width = 1280, height = 800) {
  const context = await browser.newContext({ viewport: { width, height } });
  await context.addInitScript(recordNotifications);
  const page = await context.newPage();
  return { context, page };
}

function queueItem(page: Page, userName: string) {
  return page.locator('.queue-item', { hasText: userName });
}

function transcriptMessage(page: Page, text: string) {
  return page.locator('.transcript .message', { hasText: text });
}

async function snapshot(page: Page, name: string) {
  await page.screenshot({ path: join(screenshots, `console-${name}.png`) });
}

beforeAll(async () => {
  process.env.TABLE_NAME = 'operator-bridge-console-browser-test';
  process.env.DELIVERY_SCHEDULE_SECONDS = '0,0.2';
  process.env.DELIVERY_SWEEP_SECONDS = '0.1';
  process.env.DELIVERY_TIMEOUT_MS = '1000';
  // A heartbeat every second, so the test can see it going and stopping.
  process.env.PRESENCE_TIMEOUT_SECONDS = '4';
  dataDir = await mkdtemp(join(tmpdir(), 'operator-bridge-console-'));
  await mkdir(screenshots, { recursive: true });
  stack = await startLocalStack({ dataDir, port: 0, host: '127.0.0.1', root });
  receiver = await startWebhookReceiver(() => 200);
  dialogStudio = httpClient(stack.baseUrl);
  operatorPath = new URL(stack.info.operatorApiUrl).pathname;
  await dialogStudio('POST', `${operatorPath}/setWebhook`, { url: receiver.url() });
  const colleague = await createAgent(stack.deps, {
    firstName: 'Grace',
    lastName: 'Hopper',
    destinations: ['support', 'sales'],
  });
  secondEmployeeId = colleague.agent.employeeId;
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  first = await openContext();
  second = await openContext();
  await second.page.goto(`${stack.baseUrl}/console/#token=${colleague.token}`);
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await receiver?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the agent console, in a browser', () => {
  it('signs in from the link npm start prints, and clears the token from the address bar', async () => {
    const { page } = first;
    await page.goto(stack.info.consoleUrl);
    await page.getByText('Local Agent').waitFor();
    expect(page.url()).toBe(`${stack.baseUrl}/console/`);
    expect(await page.evaluate(() => Object.values(sessionStorage))).toContain(stack.info.agentToken);
    await page.getByText('Nobody is waiting').waitFor();
  });

  it('moves between the queue views with the arrow keys', async () => {
    const { page } = first;
    await page.getByRole('tab', { name: /Waiting/ }).focus();
    await page.keyboard.press('ArrowRight');
    await page.getByText('You have no open conversations').waitFor();
    expect(
      await page.getByRole('tab', { name: /Mine/ }).evaluate((tab) => tab === document.activeElement),
    ).toBe(true);
    await page.keyboard.press('ArrowLeft');
    await page.getByText('Nobody is waiting').waitFor();
  });

  it('goes online, keeps the heartbeat going, and shows the groups as DialogStudio sees them', async () => {
    const { page } = first;
    const heartbeats: number[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT' && request.url().endsWith('/agent/me/presence'))
        heartbeats.push(Date.now());
    });
    await page.getByRole('switch', { name: 'Away' }).click();
    await page.getByRole('switch', { name: 'Online' }).waitFor();
    await eventually(
      () => heartbeats.length,
      (count) => count >= 3,
    );
    const destinations = await dialogStudio('GET', `${operatorPath}/getDestinations`);
    expect(destinations.body.destinations).toEqual(
      expect.arrayContaining([expect.objectContaining({ destinationId: 'support', hasOnline: true })]),
    );
    await page
      .locator('.groups', { hasText: 'support' })
      .getByText('online for DialogStudio')
      .first()
      .waitFor();
  });

  it("shows each group's hours, and a closed group as closed until it opens", async () => {
    // Prepare: sales has no opening intervals; support opens every day but is closed today and tomorrow
    // in Kiritimati (UTC+14), so it opens at 00:00 there the day after, whatever the clock says.
    const { page } = first;
    const kiritimatiDay = (daysAhead: number) =>
      new Date(Date.now() + 14 * 3_600_000 + daysAhead * 86_400_000).toISOString().slice(0, 10);
    await updateDestination(stack.deps, 'sales', { timeZone: 'Europe/Berlin', hours: 'closed' });
    await updateDestination(stack.deps, 'support', {
      timeZone: 'Pacific/Kiritimati',
      hours: 'mon-sun 00:00-24:00',
      closedOn: `${kiritimatiDay(0)},${kiritimatiDay(1)}`,
    });
    const groups = page.locator('.groups');
    // Act: going away and back reloads the groups, as a person would see them change.
    await page.getByRole('switch', { name: 'Online' }).click();
    await page.getByRole('switch', { name: 'Away' }).waitFor();
    // Assess
    const sales = groups.locator('li[data-destination-id="sales"]');
    await sales.getByText('no opening hours (Europe/Berlin)').waitFor();
    await sales.locator('.state', { hasText: /^closed$/ }).waitFor();
    const support = groups.locator('li[data-destination-id="support"]');
    await support.getByText('mon-sun 00:00-24:00 (Pacific/Kiritimati)').waitFor();
    expect(await support.locator('.state').textContent()).toMatch(
      /^closed until \w{3} \d{2}:\d{2} \(\w{3} 00:00 Pacific\/Kiritimati\)$/,
    );
    const destinations = await dialogStudio('GET', `${operatorPath}/getDestinations`);
    for (const destination of destinations.body.destinations) expect(destination.hasOnline).toBe(false);
    await snapshot(page, 'groups-closed');
    // Back to always open and online, as the next scenarios expect.
    await updateDestination(stack.deps, 'sales', { hours: 'always' });
    await updateDestination(stack.deps, 'support', { hours: 'always' });
    await page.getByRole('switch', { name: 'Away' }).click();
    await page.getByRole('switch', { name: 'Online' }).waitFor();
    await groups.locator('li[data-destination-id="support"]').getByText('online for DialogStudio').waitFor();
    expect(await groups.locator('.hours').count()).toBe(0);
  });

  it('shows a conversation that DialogStudio opened, with a notification and a title badge', async () => {
    const { page } = first;
    const opened = await dialogStudio('POST', `${operatorPath}/selectDestination`, {
      userId: 'client-ann',
      destinationId: 'support',
      userName: 'Ann Client',
      attributes: { plan: 'gold', city: 'Lisbon' },
      hiddenAttributes: { crmSecret: 'hidden-value-123' },
      customData: { orderId: 'A-1001' },
    });
    conversationId = opened.body.conversationId;
    await dialogStudio('POST', `${operatorPath}/sendText`, {
      userId: 'client-ann',
      text: 'Hello, I need help',
    });

    await queueItem(page, 'Ann Client').getByText('Hello, I need help').waitFor({ timeout: 15_000 });
    expect(await page.locator('.tab', { hasText: 'Waiting' }).textContent()).toContain('1');
    expect(await page.title()).toMatch(/^\(1\) /);
    await eventually(
      () => page.evaluate(() => (window as unknown as { shownNotifications: string[] }).shownNotifications),
      (titles) => titles.includes('Ann Client is waiting'),
    );
    await snapshot(page, 'queue');
  });

  it('accepts it, and shows the attributes and customData but never the hidden attributes', async () => {
    const { page } = first;
    await queueItem(page, 'Ann Client').click();
    expect(await queueItem(page, 'Ann Client').getAttribute('data-conversation-id')).toBe(conversationId);
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.locator('.conversation-header [data-status="active"]').waitFor();
    await page.getByText('With you').waitFor();
    const details = page.locator('.details');
    await details.getByText('Lisbon').waitFor();
    await details.getByText('A-1001').waitFor();
    expect(await page.content()).not.toContain('hidden-value-123');
    expect(await page.content()).not.toContain('crmSecret');
  });

  it("shows the client's next message without a reload", async () => {
    const { page } = first;
    await dialogStudio('POST', `${operatorPath}/sendText`, { userId: 'client-ann', text: 'Are you there?' });
    await transcriptMessage(page, 'Are you there?').waitFor({ timeout: 15_000 });
  });

  it('sends a reply with Enter (Shift+Enter breaks the line) and shows it delivered', async () => {
    const { page } = first;
    const composer = page.getByRole('textbox', { name: 'Message' });
    // Accepting put the keyboard in the reply box.
    expect(await composer.evaluate((element) => element === document.activeElement)).toBe(true);
    await page.keyboard.type('Hi Ann, I am here.');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('How can I help?');
    await page.keyboard.press('Enter');
    const reply = transcriptMessage(page, 'How can I help?');
    await reply.locator('[data-delivery="delivered"]').waitFor({ timeout: 15_000 });
    const received = receiver.accepted().find((r) => r.body.type === 'TextMessage');
    expect(received?.body.text).toBe('Hi Ann, I am here.\nHow can I help?');
    expect(await composer.inputValue()).toBe('');
  });

  it('sends a file link with name, size and comment', async () => {
    const { page } = first;
    await page.getByRole('button', { name: 'Send a file link' }).click();
    await page.getByLabel('File URL').fill('https://files.example.com/invoice-42.pdf');
    await page.getByLabel('Name').fill('Invoice 42.pdf');
    await page.getByLabel('Size in bytes').fill('20480');
    await page.getByLabel('Comment').fill('Your invoice');
    await page.getByRole('button', { name: 'Send file link' }).click();
    await transcriptMessage(page, 'Invoice 42.pdf').locator('[data-delivery="delivered"]').waitFor();
    const file = receiver.accepted().find((r) => r.body.type === 'FileMessage');
    expect(file?.body).toMatchObject({ name: 'Invoice 42.pdf', size: 20480, comment: 'Your invoice' });
    await snapshot(page, 'conversation');
  });

  it('shows a message the webhook refused as failed, with its error', async () => {
    const { page } = first;
    receiver.script(() => 400);
    const composer = page.getByRole('textbox', { name: 'Message' });
    await composer.fill('This one bounces');
    await composer.press('Enter');
    const failed = transcriptMessage(page, 'This one bounces').locator('[data-delivery="failed"]');
    await failed.waitFor({ timeout: 15_000 });
    expect(await failed.textContent()).toMatch(/Failed: .*400/);
    await failed.getByRole('button', { name: 'Retry' }).waitFor();
    receiver.script(() => 200);
  });

  it('retries the failed message, which is then delivered', async () => {
    const { page } = first;
    const message = transcriptMessage(page, 'This one bounces');
    await message.getByRole('button', { name: 'Retry' }).click();
    await message.locator('[data-delivery="delivered"]').waitFor({ timeout: 15_000 });
    expect(receiver.accepted().some((r) => r.body.text === 'This one bounces')).toBe(true);
  });

  it('transfers the conversation to another group', async () => {
    const { page } = first;
    await page.getByRole('button', { name: 'Transfer' }).click();
    await page.getByLabel('Transfer to').selectOption('sales');
    await page.locator('form.transfer').getByRole('button', { name: 'Transfer' }).click();
    await page.locator('.conversation-header [data-status="waiting"]').waitFor();
    await page.locator('.conversation-header').getByText('sales').first().waitFor();
    await eventually(
      () => receiver.accepted().find((r) => r.body.type === 'SelectDestination'),
      (event) => event?.body.destination?.destinationId === 'sales',
    );
  });

  it('tells the agent who lost the race for a conversation that another agent took it', async () => {
    const pages = [first.page, second.page];
    await queueItem(second.page, 'Ann Client').click({ timeout: 15_000 });
    for (const page of pages) await page.getByRole('button', { name: 'Accept' }).waitFor();
    await Promise.all(pages.map((page) => page.getByRole('button', { name: 'Accept' }).click()));
    const outcomes = await Promise.all(
      pages.map((page) =>
        Promise.race([
          page
            .getByRole('alert')
            .getByText('Another agent took it.')
            .waitFor()
            .then(() => 'lost'),
          page
            .locator('.conversation-header')
            .getByText('With you')
            .waitFor()
            .then(() => 'won'),
        ]),
      ),
    );
    expect([...outcomes].sort()).toEqual(['lost', 'won']);
  });

  it('closes the conversation', async () => {
    const winner = (await first.page.locator('.conversation-header').getByText('With you').count())
      ? first.page
      : second.page;
    await winner.getByRole('button', { name: 'Close', exact: true }).click();
    await winner.getByRole('button', { name: 'Close conversation' }).click();
    await winner.locator('.conversation-header [data-status="closed"]').waitFor();
    await winner.getByText('This conversation is closed.').waitFor();
    await eventually(
      () => receiver.accepted().filter((r) => r.body.type === 'Closed').length,
      (closed) => closed === 1,
    );
    await winner.getByRole('tab', { name: /Closed/ }).click();
    await queueItem(winner, 'Ann Client').waitFor();
  });

  it('reads well at 400 px: the queue, then the conversation with a way back', async () => {
    const narrow = await openContext(400, 800);
    await narrow.page.goto(stack.info.consoleUrl);
    await narrow.page.getByRole('tab', { name: /Closed/ }).click();
    await queueItem(narrow.page, 'Ann Client').click();
    await narrow.page.getByRole('button', { name: 'Back to the queue' }).waitFor();
    expect(await narrow.page.locator('.queue').isVisible()).toBe(false);
    const overflow = await narrow.page.evaluate(() => document.documentElement.scrollWidth);
    expect(overflow).toBeLessThanOrEqual(400);
    await snapshot(narrow.page, 'narrow');
    await narrow.page.getByRole('button', { name: 'Back to the queue' }).click();
    await queueItem(narrow.page, 'Ann Client').waitFor();
    await narrow.context.close();
  });

  it('signs out: the token is forgotten, the heartbeat stops and the agent is away', async () => {
    const { page } = first;
    const presence: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/agent/me/presence')) presence.push(request.postData() ?? '');
    });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Agent token').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    const me = await dialogStudio('GET', '/agent/me', undefined, {
      authorization: `Bearer ${stack.info.agentToken}`,
    });
    expect(me.body.online).toBe(false);
    const afterSignOut = presence.length;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(presence.length).toBe(afterSignOut);
  });

  it('goes away when the tab closes, without waiting for the presence timeout', async () => {
    const { token } = await createAgent(stack.deps, {
      firstName: 'Tab',
      lastName: 'Closer',
      destinations: ['support'],
    });
    const auth = { authorization: `Bearer ${token}` };
    const tab = await openContext();
    await tab.page.goto(`${stack.baseUrl}/console/#token=${token}`);
    await tab.page.getByRole('switch', { name: 'Away' }).click();
    await tab.page.getByRole('switch', { name: 'Online' }).waitFor();
    expect((await dialogStudio('GET', '/agent/me', undefined, auth)).body.online).toBe(true);
    await tab.page.close({ runBeforeUnload: true });
    await eventually(
      async () => (await dialogStudio('GET', '/agent/me', undefined, auth)).body.online,
      (online) => online === false,
      3000,
    );
    await tab.context.close();
  });

  it('signs the agent out with a clear message when its token is revoked', async () => {
    const { page } = second;
    await revokeAgent(stack.deps, secondEmployeeId);
    // An idle console sends nothing while live updates flow; its next request is refused and ends the session.
    await page.getByRole('tab', { name: /Closed/ }).click();
    await page.getByRole('alert').getByText('Your session ended').waitFor({ timeout: 15_000 });
    await page.getByLabel('Agent token').waitFor();
    await snapshot(page, 'signed-out');
  });

  it('signs in with a pasted token', async () => {
    const { page } = first;
    await page.getByLabel('Agent token').fill(stack.info.agentToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Local Agent').waitFor();
  });
});

describe('the bot conversation in the console', () => {
  const history = 'CLIENT\nMy parcel is late\n\nBOT\nWhat is the tracking number?\n\nCLIENT\nTR-4711';
  let tab: { context: BrowserContext; page: Page };

  beforeAll(async () => {
    const { token } = await createAgent(stack.deps, {
      firstName: 'Hedy',
      lastName: 'Lamarr',
      destinations: ['support'],
    });
    await dialogStudio('POST', `${operatorPath}/selectDestination`, {
      userId: 'client-bea',
      destinationId: 'support',
      userName: 'Bea Handover',
    });
    await dialogStudio('POST', `${operatorPath}/sendText`, { userId: 'client-bea', text: history });
    tab = await openContext();
    await tab.page.goto(`${stack.baseUrl}/console/#token=${token}`);
  });
  afterAll(() => tab?.context.close());

  it('shows the turns as a collapsed block before the live messages, and the message as sent folded', async () => {
    // Prepare
    const { page } = tab;
    await queueItem(page, 'Bea Handover').click();
    const block = page.locator('.transcript .bot-history');
    // Act
    await block.getByText('Conversation with the bot · 3 turns').waitFor({ timeout: 15_000 });
    // Assess
    expect(await block.locator('details').getAttribute('open')).toBeNull();
    expect(await block.getByText('What is the tracking number?').isVisible()).toBe(false);
    const asSent = page.locator('.transcript .as-sent');
    expect(await asSent.locator('details').getAttribute('open')).toBeNull();
    expect(await asSent.locator('summary').textContent()).toContain('as sent');
    expect(await page.locator('.transcript .message.client').count()).toBe(0);
    const order = await page
      .locator('.transcript > li')
      .evaluateAll((items) => items.map((item) => item.className.split(' ')[0]));
    expect(order.slice(0, 3)).toEqual(['message', 'bot-history', 'as-sent']);
  });

  it('opens on click: the client and bot turns in order, styled apart; the message as sent opens too', async () => {
    // Prepare
    const { page } = tab;
    const block = page.locator('.transcript .bot-history');
    // Act
    await block.locator('summary').click();
    await page.locator('.transcript .as-sent summary').click();
    // Assess
    const turns = block.locator('.bot-turn');
    await turns.first().waitFor({ state: 'visible' });
    expect(await turns.evaluateAll((items) => items.map((item) => item.getAttribute('data-from')))).toEqual([
      'client',
      'bot',
      'client',
    ]);
    const said = await turns.evaluateAll((items) =>
      items.map(
        (item) =>
          `${item.querySelector('.speaker')?.textContent}: ${item.querySelector('.text')?.textContent}`,
      ),
    );
    expect(said).toEqual([
      'Bea Handover: My parcel is late',
      'Bot: What is the tracking number?',
      'Bea Handover: TR-4711',
    ]);
    const [clientColour, botColour] = await Promise.all(
      [0, 1].map((i) => turns.nth(i).evaluate((item) => getComputedStyle(item).backgroundColor)),
    );
    expect(clientColour).not.toBe(botColour);
    const sent = page.locator('.transcript .as-sent .text');
    expect(await sent.isVisible()).toBe(true);
    expect(await sent.textContent()).toBe(history);
    await snapshot(page, 'bot-history');
  });

  it('says, where the agent closes, that closing hands the client back to the bot', async () => {
    // Prepare
    const { page } = tab;
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.locator('.conversation-header [data-status="active"]').waitFor();
    // Act
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    // Assess
    await page
      .locator('.conversation-header')
      .getByText('Closing hands the client back to the bot.')
      .waitFor();
    await page.getByRole('button', { name: 'Keep open' }).click();
    expect(await page.getByText('Closing hands the client back to the bot.').count()).toBe(0);
  });
});
