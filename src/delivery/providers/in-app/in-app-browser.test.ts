import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { startTestGodwit, type TestGodwit } from '../../../app/test-godwit.ts';
import { waitFor } from '../../../shared/test-wait-for.ts';
import type { OutboundMessage } from '../../provider.ts';

/**
 * godwit-in-app.js on a page of another origin in a real Chromium: a message waiting before the
 * page opened and one sent while it is open both show in an accessible dialog, in order; showing
 * records an open and the action a click; closing Godwit ends the open stream.
 */

const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'].concat([
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);

/** The site: its home page loads the script from Godwit; /offer is where the action leads. */
async function serveSite(godwit: TestGodwit, userId: string): Promise<{ url: string; server: Server }> {
  const html = `<!doctype html><html><head><title>Godwit shop</title><link rel="icon" href="data:,"></head>
<body><h1>Godwit shop</h1><button>Buy</button>
<script src="${godwit.url}/v1/in-app/godwit-in-app.js" data-write-key="${godwit.writeKey}" data-user-id="${userId}"></script>
</body></html>`;
  const server = createServer((request, response) => {
    const page =
      request.url === '/' ? html : request.url?.startsWith('/offer') ? '<title>Offer</title>Offer' : undefined;
    if (!page) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function identify(godwit: TestGodwit, userId: string): Promise<string> {
  const response = await fetch(`${godwit.url}/v1/identify`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${godwit.writeKey}:`).toString('base64')}`,
    },
    body: JSON.stringify({ userId, traits: { name: 'Ada' } }),
  });
  assert.equal(response.status, 200);
  await godwit.settle();
  return godwit.godwit.customers.resolveId(godwit.workspaceId, userId);
}

function inApp(
  godwit: TestGodwit,
  customerId: string,
  key: string,
  content: { title: string; body: string; actions: { label: string; url: string }[] },
): OutboundMessage {
  return {
    idempotencyKey: key,
    workspaceId: godwit.workspaceId,
    customerId,
    address: customerId,
    messageClass: 'marketing',
    content: { channel: 'in_app', ...content },
  };
}

async function timeline(godwit: TestGodwit, customerId: string) {
  await godwit.settle();
  const page = await godwit.godwit.store.timeline({ workspaceId: godwit.workspaceId, customerId, limit: 50 });
  return page.events.map((e) => JSON.parse(e.payload) as { event?: string; properties?: Record<string, unknown> });
}

function watch(page: Page) {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  return problems;
}

describe('in-app messages in Chromium', () => {
  let godwit: TestGodwit | undefined;
  let browser: Browser;
  before(async () => {
    godwit = await startTestGodwit();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
  });
  after(async () => {
    await browser?.close();
    await godwit?.close();
  });

  it('shows a waiting and a live message in an accessible dialog and records delivery, open and click', async () => {
    const g = godwit as TestGodwit;
    const customerId = await identify(g, 'in-app-user');
    const site = await serveSite(g, 'in-app-user');
    const provider = g.godwit.channels.inAppProvider;
    await provider.send(
      inApp(g, customerId, 'run1:welcome:1', {
        title: 'Welcome back, Ada',
        body: 'Your cart is waiting.',
        actions: [{ label: 'Open cart', url: `${site.url}/offer?from=cart` }],
      }),
    );
    const page = await browser.newPage();
    try {
      const problems = watch(page);
      await page.goto(`${site.url}/`);

      const first = page.getByRole('dialog', { name: 'Welcome back, Ada' });
      await first.waitFor({ timeout: 10_000 }).catch(() => assert.fail(`no dialog: ${problems.join('; ')}`));
      assert.equal(await first.getAttribute('aria-describedby'), 'godwit-in-app-body');
      assert.equal(await page.locator('#godwit-in-app-body').textContent(), 'Your cart is waiting.');
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Open cart', 'focus on the action');

      await waitFor('the stream to be open', () => g.godwit.channels.inAppHub.size === 1);
      await provider.send(
        inApp(g, customerId, 'run1:sale:1', {
          title: 'Flash sale',
          body: '20% off today.',
          actions: [{ label: 'Shop now', url: `${site.url}/offer?from=sale` }],
        }),
      );
      // The live message waits for the open dialog to close.
      await waitFor('the sale to be delivered', async () => {
        const rows = await g.godwit.store.channels.undeliveredInAppMessages(g.workspaceId, [customerId]);
        return rows.length === 0;
      });
      assert.equal(await page.getByRole('dialog').count(), 1);
      await page.getByRole('button', { name: 'Close' }).click();
      const second = page.getByRole('dialog', { name: 'Flash sale' });
      await second.waitFor({ timeout: 5_000 });
      await mkdir('test-artifacts', { recursive: true });
      await page.screenshot({ path: 'test-artifacts/in-app-browser.png' });
      await second.getByRole('link', { name: 'Shop now' }).click();
      await page.waitForURL(`${site.url}/offer?from=sale`);
      assert.deepEqual(problems, []);

      const events = await waitFor('opens and the click on the timeline', async () => {
        const all = await timeline(g, customerId);
        const opens = all.filter((e) => e.event === 'Message Opened');
        return opens.length === 2 && all.some((e) => e.event === 'Message Clicked') ? all : undefined;
      });
      const of = (name: string) =>
        events
          .filter((e) => e.event === name)
          .map((e) => e.properties?.message_key)
          .sort();
      assert.deepEqual(of('Message Delivered'), ['run1:sale:1', 'run1:welcome:1']);
      assert.deepEqual(of('Message Opened'), ['run1:sale:1', 'run1:welcome:1']);
      const clicks = events.filter((e) => e.event === 'Message Clicked');
      assert.deepEqual(
        clicks.map((e) => e.properties),
        [{ message_key: 'run1:sale:1', kind: 'clicked', channel: 'in_app', url: `${site.url}/offer?from=sale` }],
      );
    } finally {
      await page.close();
      site.server.close();
    }
  });

  it('does not show a message again after a reload, and closing Godwit ends the open stream', async () => {
    const g = godwit as TestGodwit;
    const customerId = await identify(g, 'reloader');
    const site = await serveSite(g, 'reloader');
    await g.godwit.channels.inAppProvider.send(
      inApp(g, customerId, 'run2:once:1', { title: 'Only once', body: 'Hello.', actions: [] }),
    );
    const page = await browser.newPage();
    try {
      await page.goto(`${site.url}/`);
      await page.getByRole('dialog', { name: 'Only once' }).waitFor({ timeout: 10_000 });
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Close');
      await page.reload();
      await waitFor('the stream to reopen', () => g.godwit.channels.inAppHub.size === 1);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(await page.getByRole('dialog').count(), 0, 'a delivered message is not shown again');

      const started = Date.now();
      const closed = g.close().then(() => 'closed');
      const late = new Promise((resolve) => setTimeout(() => resolve('still open'), 5_000));
      assert.equal(await Promise.race([closed, late]), 'closed');
      assert.ok(Date.now() - started < 5_000);
      godwit = undefined;
    } finally {
      await page.close();
      site.server.close();
    }
  });
});
