import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../app/test-browser.ts';
import { startTestGodwit, type TestGodwit } from '../app/test-godwit.ts';
import { addOutbox, outboxEntry } from '../delivery/test-delivery.ts';
import { callApi, sendBatch } from '../journeys/test-journey-api.ts';
import { ensureConsoleBuilt } from './console-build.ts';

/**
 * The console as a new user meets it, in Debian's Chromium against a real Godwit on a temporary
 * SQLite file: sign in with the first admin, install the onboarding journey from the catalog, send an
 * event through the ingestion API, find the customer, see the journey path and the message on the
 * timeline, and the same page in Chinese. Screenshots of each page go to test-artifacts/console/.
 */

const ARTIFACTS = 'test-artifacts/console';
const CUSTOMER = 'ada@example.com';
const BROKEN_JOURNEY = `id: onboarding-first-90-days
name: Onboarding, first 90 days
trigger: { event: Order Completed }
start: welcome
nodes:
  welcome: { type: wait, duration: soon, next: done }
  done: { type: exit }
`;

const THANKS_JOURNEY = `id: thank-you
name: Thank you
trigger: { event: Order Completed }
start: thanks
nodes:
  thanks: { type: send, template: thank_you_note, channel: email, next: done }
  done: { type: exit }
`;

/** Polls until `check` holds, failing with `what` after 20 s. */
async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // Expected: a 401 before sign-in (is there a session?), a 400 from validating a broken journey, and the
    // message preview's blocked tracking pixel.
    const expected = /status of 40[01]|Content Security Policy/;
    if (message.type() === 'error' && !expected.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  return problems;
}

describe('web console in Chromium', () => {
  let godwit: TestGodwit;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  before(async () => {
    ensureConsoleBuilt({ quiet: true });
    await mkdir(ARTIFACTS, { recursive: true });
    godwit = await startTestGodwit({ deliver: true });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1360, height: 900 }, locale: 'en-US' });
    problems = watchProblems(page);
  });
  after(async () => {
    await browser?.close();
    await godwit?.close();
  });

  const shot = (name: string) => page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
  /** A failing step leaves a screenshot of where it stopped (`failed-<name>.png`). */
  const withFailureShot = (name: string, body: () => Promise<void>) => async () => {
    try {
      await body();
    } catch (error) {
      await shot(`failed-${name}`).catch(() => {});
      throw error;
    }
  };
  const heading = (text: string | RegExp) => page.getByRole('heading', { level: 1, name: text }).waitFor();
  /** Ada's customer page, found through the customer list's search. */
  async function openAda(): Promise<void> {
    await page.getByRole('link', { name: 'Customers' }).click();
    await heading('Customers');
    await page.getByLabel('Search customers').fill(CUSTOMER);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'Ada Lovelace' }).click();
    await heading('Ada Lovelace');
  }

  it(
    'refuses a wrong password, then signs in with the first admin',
    withFailureShot('sign-in', async () => {
      await page.goto(godwit.url);
      await page.getByLabel('Email').fill(godwit.adminEmail);
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').getByText('Wrong email or password.').waitFor();
      await shot('sign-in');
      await page.getByLabel('Password').fill(godwit.adminPassword);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await heading('Overview');
      await page.getByText('No events yet').waitFor();
      await shot('overview-empty');
    }),
  );

  it(
    'installs the onboarding journey from the catalog and puts it live',
    withFailureShot('install', async () => {
      // What a shop already sends: a customer and an earlier order.
      await sendBatch(godwit, [
        { type: 'identify', userId: 'ada', traits: { email: CUSTOMER, name: 'Ada Lovelace', orders_count: 1 } },
        { type: 'track', userId: 'ada', event: 'Order Completed', properties: { first_order: false, total: 5 } },
      ]);

      await page.getByRole('link', { name: 'Journeys' }).click();
      await heading('Journeys');
      const card = page.locator('.card', { has: page.getByRole('heading', { name: /Onboarding/ }) });
      await card.getByRole('button', { name: 'Install and go live' }).click();
      // Events it needs that Godwit has not seen keep it a draft, and the card says which.
      await card.getByText('Installed (Draft).').waitFor();
      await card.getByText(/Not seen yet: .*Product Used/).waitFor();
      await shot('journeys');
      await card.getByRole('link', { name: 'Open' }).click();
      await heading('Onboarding, first 90 days');
      await page.getByRole('button', { name: 'Go live' }).click();
      await page.getByRole('button', { name: 'Pause' }).waitFor();
      assert.equal((await page.locator('.badge.live').textContent())?.trim(), 'Live');
      // Back on the list, the card opens the installed journey rather than offering to install it again.
      await page.getByRole('link', { name: 'Journeys' }).click();
      await card.getByText('Installed in this workspace.').waitFor();
      assert.equal(await card.getByRole('button', { name: 'Install and go live' }).count(), 0);
    }),
  );

  it(
    'says what a new journey lacks: a template that does not exist yet',
    withFailureShot('new-journey', async () => {
      await page.getByRole('link', { name: 'Journeys' }).click();
      await heading('Journeys');
      await page.getByRole('link', { name: 'New journey' }).click();
      await heading('New journey');
      await page.getByText('No problems found.').waitFor();
      await page.locator('.cm-content').click();
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(THANKS_JOURNEY);
      await page.getByRole('button', { name: 'Save' }).click();
      // Saved as a draft, which says what it lacks before it is opened.
      const created = page.getByRole('status').filter({ hasText: 'Created (Draft).' });
      await created.getByText('Template thank_you_note does not exist yet (nodes.thanks.template).').waitFor();
      await created.getByText('It cannot go live until they exist.').waitFor();
      await shot('journey-new-warnings');
      await created.getByRole('link', { name: 'Open' }).click();
      await heading('Thank you');
    }),
  );

  it(
    'finds the customer after an event through the ingestion API, with the journey path and the message',
    withFailureShot('customer', async () => {
      const order = {
        type: 'track',
        userId: 'ada',
        event: 'Order Completed',
        properties: { first_order: true, total: 42 },
      };
      await sendBatch(godwit, [order]);
      await eventually('the welcome email to be delivered', async () => {
        const { messages } = (await callApi(godwit, 'GET', '/v1/messages')).body as { messages: { status: string }[] };
        return messages.some((m) => m.status === 'delivered');
      });
      await godwit.settle();
      const segment = {
        id: 'buyers',
        name: 'Buyers',
        rule: { event: 'Order Completed', within: '30d', op: 'gte', value: 1 },
      };
      const created = await fetch(`${godwit.url}/v1/segments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${godwit.secretKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(segment),
      });
      assert.equal(created.status, 201);
      await eventually('Ada to be in the Buyers segment', async () => {
        const { segments } = (await callApi(godwit, 'GET', '/v1/customers/ada/segments')).body as {
          segments: { id: string }[];
        };
        return segments.some((s) => s.id === 'buyers');
      });

      await openAda();
      const path = page.getByRole('list', { name: 'Path' });
      await path.getByText('welcome').waitFor();
      await page.getByRole('link', { name: 'onboarding-first-90-days' }).waitFor();
      await page.locator('.chips li', { hasText: 'Buyers' }).waitFor();
      // The message shows on the one timeline: as a message entry, or as the delivery's track event.
      const timeline = page.getByRole('region', { name: 'Timeline' });
      await timeline.locator('li[data-type="message"], li:has-text("Message")').first().waitFor();
      await timeline.getByText('Order Completed').first().waitFor();
      await shot('customer');
    }),
  );

  it(
    'shows the journey graph with live counts and the message with its rendering',
    withFailureShot('journey', async () => {
      await page.getByRole('link', { name: 'onboarding-first-90-days' }).click();
      await heading('Onboarding, first 90 days');
      await page.getByRole('tab', { name: 'Graph' }).waitFor();
      await page
        .locator('[data-node="welcome"]')
        .getByText(/1 entered/)
        .waitFor();
      await page.locator('[data-node="__trigger__"]').getByText('1 started').waitFor();
      await shot('journey');

      // The editor shows the server's validation issue at the field it names, without saving anything.
      await page.getByRole('tab', { name: 'Definition' }).click();
      await page.getByText('No problems found.').waitFor();
      await page.locator('.cm-content').click();
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(BROKEN_JOURNEY);
      const issue = page.locator('.issues li', { hasText: 'nodes.welcome.duration' });
      await issue.getByText('Line 6:').waitFor();
      await page.locator('.cm-lintRange-error').first().waitFor();
      await shot('journey-editor');

      // The simulator runs the journey for Ada on a virtual clock and the graph highlights the path.
      await page.getByRole('tab', { name: 'Simulate' }).click();
      await page.getByLabel('Customer (id, email, phone)').fill(CUSTOMER);
      await page.getByRole('button', { name: 'Run simulation' }).click();
      await page.getByText(/^Status: /).waitFor();
      assert.ok((await page.locator('.path-steps li').count()) > 1);
      // Each message says what its decision does to it.
      await page.getByText(/onboarding_welcome — (sent|delayed|suppressed)/).waitFor();
      await page.getByRole('tab', { name: 'Graph' }).click();
      await page.locator('.flow-node.on-path [data-node="welcome"]').waitFor();

      await page.getByRole('link', { name: 'Messages' }).click();
      await heading('Messages');
      const row = page.getByRole('row', { name: /onboarding_welcome/ });
      await row.getByText('delivered').waitFor();
      await row.getByRole('button', { name: 'View' }).click();
      await page
        .frameLocator('iframe[title="Rendered message"]')
        .getByText(/Welcome/)
        .waitFor();
      await shot('messages');
      // Looking at a message in the console is not an open: its tracking pixel stays blocked.
      const [message] = (await callApi(godwit, 'GET', '/v1/messages')).body.messages;
      const detail = (await callApi(godwit, 'GET', `/v1/messages/${message.key}`)).body;
      assert.deepEqual(
        detail.message.events.map((e: { kind: string }) => e.kind),
        ['delivered'],
      );

      await page.getByRole('link', { name: 'Settings' }).click();
      await heading('Settings');
      await page.getByRole('cell', { name: godwit.adminEmail }).waitFor();
      await page.getByText('sms, whatsapp, voice: quiet from 21:00 to 08:00').waitFor();
      // A policy the server refuses says why, in place.
      const twoProblems = {
        caps: [{ classes: ['marketing'], per: 'month', max: 1 }],
        quietHours: [{ channels: ['sms'], from: '25:00', to: '07:00' }],
      };
      await page.getByLabel('Policy (JSON)').fill(JSON.stringify(twoProblems));
      await page.getByRole('button', { name: 'Save policy' }).click();
      // Every problem, not only the first.
      const refusal = page.getByRole('alert').filter({ hasText: 'caps[0].per: ' });
      await refusal.filter({ hasText: 'quietHours[0].from: ' }).waitFor();
      await shot('settings');

      await page.goto(`${godwit.url}/`);
      await heading('Overview');
      await page.getByText('Events and active customers per day (last 14 days)').waitFor();
      await shot('overview');
    }),
  );

  it(
    'pages the outbox: the newest 200 messages, older ones on request',
    withFailureShot('messages-paged', async () => {
      const payload = { template: 'bulk_notice', address: CUSTOMER };
      const entry = (i: number) =>
        outboxEntry(`bulk:${i}`, { workspaceId: godwit.workspaceId, journeyId: 'bulk', status: 'suppressed', payload });
      await addOutbox(
        godwit.godwit.store,
        Array.from({ length: 205 }, (_, i) => entry(i)),
      );
      await page.getByRole('link', { name: 'Messages' }).click();
      await heading('Messages');
      await page.getByLabel('Journey').fill('bulk');
      const filtered = page.waitForResponse((response) => response.url().includes('/v1/messages?journey=bulk'));
      await page.getByRole('button', { name: 'Apply' }).click();
      await filtered;
      const rows = page.getByRole('row', { name: /bulk_notice/ });
      await eventually('the newest 200', async () => (await rows.count()) === 200);
      await page.getByRole('button', { name: 'Older messages' }).click();
      await eventually('the older 5 below them', async () => (await rows.count()) === 205);
      assert.equal(await page.getByRole('button', { name: 'Older messages' }).count(), 0, 'no page after the last');
    }),
  );

  it(
    'suppresses an address by hand and removes it again; refuses one that is not an address',
    withFailureShot('suppressions', async () => {
      await page.getByRole('tab', { name: 'Dead letters' }).click();
      await page.getByText('No dead letters').waitFor();
      await page.getByText(/lands here when its last retry fails/).waitFor();
      await page.getByRole('tab', { name: 'Suppressions' }).click();
      await page.getByText('No suppressed addresses').waitFor();
      const form = page.getByRole('form', { name: 'Suppress address' });
      await form.getByLabel('Address').fill(' Grace@Example.COM ');
      await form.getByLabel('Note').fill('asked by phone');
      await form.getByRole('button', { name: 'Suppress address' }).click();
      // In the server's words: the address as it is stored.
      await page.getByRole('status').getByText('grace@example.com is suppressed.', { exact: true }).waitFor();
      const row = page.getByRole('row', { name: /grace@example\.com/ });
      await row.getByText('Added by hand').waitFor();
      await row.getByText('asked by phone').waitFor();
      assert.equal((await callApi(godwit, 'GET', '/v1/suppressions')).body.suppressions.length, 1);
      await shot('suppressions');

      await form.getByLabel('Address').fill('grace@example.com');
      await form.getByRole('button', { name: 'Suppress address' }).click();
      await page.getByRole('status').getByText('grace@example.com was already suppressed (Added by hand).').waitFor();
      await form.getByLabel('Address').fill('not an address');
      await form.getByRole('button', { name: 'Suppress address' }).click();
      await page
        .getByRole('alert')
        .getByText(/not a valid email address/)
        .waitFor();

      await row.getByRole('button', { name: 'Remove' }).click();
      await page.getByRole('status').getByText('grace@example.com can be sent to again.').waitFor();
      await page.getByText('No suppressed addresses').waitFor();
      assert.deepEqual((await callApi(godwit, 'GET', '/v1/suppressions')).body.suppressions, []);
    }),
  );

  it(
    'pages the customers: the newest 50, older ones on request',
    withFailureShot('customers-paged', async () => {
      const identify = (i: number) => ({ type: 'identify', userId: `bulk-${i}`, traits: { name: `Bulk ${i}` } });
      await sendBatch(
        godwit,
        Array.from({ length: 55 }, (_, i) => identify(i)),
      );
      await godwit.settle();
      const total = await godwit.godwit.store.countCustomers(godwit.workspaceId);
      await page.getByRole('link', { name: 'Customers' }).click();
      await heading('Customers');
      const rows = page.locator('tbody tr');
      await eventually('the newest 50', async () => (await rows.count()) === 50);
      await page.getByRole('button', { name: 'Older customers' }).click();
      await eventually(`all ${total}`, async () => (await rows.count()) === total);
      assert.equal(await page.getByRole('button', { name: 'Older customers' }).count(), 0, 'no page after the last');
    }),
  );

  it(
    'stops at a timeline page that fails, says why, and loads it when asked again',
    withFailureShot('timeline-retry', async () => {
      const scrolled = (i: number) => ({ type: 'track', userId: 'ada', event: 'Page Scrolled', properties: { i } });
      await sendBatch(
        godwit,
        Array.from({ length: 150 }, (_, i) => scrolled(i)),
      );
      await godwit.settle();
      const older = /\/v1\/customers\/[^/?]+\?limit=500&before=/;
      let refused = 0;
      await page.route(older, (route) => {
        refused += 1;
        const body = JSON.stringify({ error: { code: 'unavailable', message: 'Godwit is restarting' } });
        return route.fulfill({ status: 503, contentType: 'application/json', body });
      });
      await openAda();
      await page.locator('section.timeline').evaluate((list) => list.scrollTo(0, list.scrollHeight));
      await page.getByRole('alert').getByText('Godwit is restarting').waitFor();
      await page.waitForTimeout(1_000);
      assert.equal(refused, 1, 'a failed page is not asked for again by itself');
      await page.unroute(older);
      await page.getByRole('button', { name: 'Load older entries' }).click();
      await page.getByText(/^\d+ entries$/).waitFor();
      assert.equal(await page.getByRole('alert').count(), 0);
      // The browser logged the 503s this test asked for.
      for (let i = problems.length - 1; i >= 0; i--) if (/status of 503/.test(problems[i] ?? '')) problems.splice(i, 1);
    }),
  );

  it(
    'says so when the server refuses a consent change, where it was asked',
    withFailureShot('consent-refused', async () => {
      const grant = { channel: 'sms', topic: 'marketing', status: 'granted' };
      assert.equal((await callApi(godwit, 'PUT', '/v1/customers/ada/consent', grant)).status, 200);
      const consent = /\/v1\/customers\/[^/?]+\/consent$/;
      await page.route(consent, (route) => {
        const body = JSON.stringify({
          error: { code: 'invalid_input', message: 'channel: must be one of email, sms' },
        });
        return route.fulfill({ status: 400, contentType: 'application/json', body });
      });
      await openAda();
      await page.getByRole('button', { name: 'Deny' }).first().click();
      await page.getByRole('alert').getByText('channel: must be one of email, sms').waitFor();
      await page.unroute(consent);
      // A server that does not answer at all is said so, not as the browser's "Failed to fetch".
      await page.route(consent, (route) => route.abort('connectionrefused'));
      await page.getByRole('button', { name: 'Deny' }).first().click();
      await page
        .getByRole('alert')
        .getByText('Godwit is not answering. Check that it is running, then try again.')
        .waitFor();
      await page.unroute(consent);
      for (let i = problems.length - 1; i >= 0; i--) {
        if (/status of 400|ERR_CONNECTION_REFUSED|ERR_FAILED/.test(problems[i] ?? '')) problems.splice(i, 1);
      }
    }),
  );

  it(
    'switches the same customer page to Simplified Chinese and remembers it',
    withFailureShot('chinese', async () => {
      await openAda();
      await page.getByLabel('Language').selectOption('zh-CN');
      await page.getByRole('link', { name: '客户' }).waitFor();
      await page.getByRole('heading', { name: '时间线' }).waitFor();
      await page.getByRole('heading', { name: '同意与偏好' }).waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
      assert.equal(await page.getByRole('link', { name: 'Customers' }).count(), 0, 'no English navigation left');
      await shot('customer-zh');

      await page.reload();
      await page.getByRole('heading', { name: '时间线' }).waitFor();
      // Message statuses and channels are words of the admin's language too.
      await page.getByRole('link', { name: '消息', exact: true }).click();
      await page
        .getByRole('row', { name: /onboarding_welcome/ })
        .getByText('已送达')
        .waitFor();
      await page.getByRole('option', { name: '短信' }).waitFor({ state: 'attached' });
      assert.deepEqual(problems, []);
    }),
  );
});
