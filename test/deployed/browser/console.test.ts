import { type Browser, chromium, type Page, type WebSocket } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAgent, seedChannel } from '../../support/clients.ts';
import { eventually, startWebhookReceiver } from '../../support/webhook-receiver.ts';
import { type Deployment, deploy } from '../deployment.ts';

/**
 * The agent console in Debian's Chromium against the synthesized template run locally: the page from
 * the console's functions behind the HTTP API (the stack's ConsoleUrl), the WebSocket API on another
 * origin as on AWS, replies delivered from the table's stream to a webhook receiver.
 */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function consoleScenario() {
  let deployment: Deployment;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let browser: Browser;
  let page: Page;
  let api: string;
  let agentToken: string;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    deployment = await deploy();
    receiver = await startWebhookReceiver(() => 200);
    const { client, deps } = deployment;
    const channel = await seedChannel(deps);
    api = channel.api;
    await client('POST', `${api}/setWebhook`, { url: receiver.url() });
    const agent = await seedAgent(deps, [channel.support.destinationId], 'Katherine');
    agentToken = agent.token;
    // A conversation waiting before the console opens.
    await client('POST', `${api}/selectDestination`, { userId: 'client-bea' });
    await client('POST', `${api}/sendText`, { userId: 'client-bea', text: 'Hello from Bea' });
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    page.on('websocket', (socket) => sockets.push(socket));
  });

  afterAll(async () => {
    await browser?.close();
    await deployment?.stop();
    await receiver?.close();
  });

  function queueItem(userName: string) {
    return page.locator('.queue-item', { hasText: userName });
  }

  describe('as an agent uses it', () => {
    it("signs in from the stack's ConsoleUrl and lists the waiting conversation", async () => {
      // Act
      await page.goto(`${deployment.stack.consoleUrl}#token=${agentToken}`);
      await page.getByText('Katherine').first().waitFor();
      await queueItem('client-bea').getByText('Hello from Bea').waitFor({ timeout: 15_000 });
      // Assess
      expect(page.url()).toBe(deployment.stack.consoleUrl);
    });

    it('accepts it and sends a reply that reaches the webhook from the stream', async () => {
      // Act
      await queueItem('client-bea').click();
      await page.getByRole('button', { name: 'Accept' }).click();
      await page.locator('.conversation-header [data-status="active"]').waitFor();
      await page.getByRole('textbox', { name: 'Message' }).fill('Hi Bea, from the deployed path');
      await page.keyboard.press('Enter');
      const delivered = await eventually(
        () => receiver.accepted().filter((request) => request.body.type === 'TextMessage'),
        (texts) => texts.length > 0,
      );
      await deployment.stack.settle();
      // Assess
      expect(delivered.map((request) => request.body.text)).toEqual(['Hi Bea, from the deployed path']);
      expect(deployment.stack.fn('DeliverFromStream').invocations.length).toBeGreaterThan(0);
    });

    it("is live: shows the reply delivered and the client's next message without a reload, over the WebSocket on its own origin", async () => {
      // Act: the reply's delivery, then the client's next message, both without a reload.
      await page
        .locator('.transcript .message', { hasText: 'from the deployed path' })
        .locator('[data-delivery="delivered"]')
        .waitFor({ timeout: 15_000 });
      await deployment.client('POST', `${api}/sendText`, { userId: 'client-bea', text: 'Still there?' });
      await page.locator('.transcript .message', { hasText: 'Still there?' }).waitFor({ timeout: 15_000 });
      // Assess
      const live = sockets.filter((socket) => socket.url().startsWith(deployment.stack.liveUrl));
      expect(live.length).toBeGreaterThan(0);
      expect(new URL(deployment.stack.liveUrl).origin).not.toBe(new URL(deployment.stack.apiUrl).origin);
    });
  });
}

describe('the agent console on the deployed template', () => {
  consoleScenario();
});
