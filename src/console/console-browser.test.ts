import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../app/test-browser.ts';
import { startTestGodwit, type TestGodwit } from '../app/test-godwit.ts';
import { holdoutBucket, inHoldout } from '../decisioning/suppression-rules.ts';
import { addOutbox, outboxEntry } from '../delivery/test-delivery.ts';
import { callApi, sendBatch } from '../journeys/test-journey-api.ts';
import type { OutboxRecord } from '../storage/journey-store.ts';
import { ensureConsoleBuilt } from './console-build.ts';
import type { HoldoutReport, Profile } from './web/api/types.ts';
import type { Locale } from './web/i18n/i18n.tsx';
import { liftFormats } from './web/pages/holdout-lift-figures.ts';

/**
 * The console as a new user meets it, in Debian's Chromium against a real Godwit on a temporary
 * SQLite file: sign in with the first admin, install the onboarding journey from the catalog, send an
 * event through the ingestion API, find the customer, see the journey path and the message on the
 * timeline, and the same page in Chinese. Screenshots of each page go to test-artifacts/console/.
 */

const ARTIFACTS = 'test-artifacts/console';
/** The settings page's code, as Vite names its chunk. */
const SETTINGS_CHUNK = /\/assets\/settings-page-[^/]+\.js$/;
const CUSTOMER = 'ada@example.com';
const DAY = 86_400_000;
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

/** Its nodes written bottom up: the graph still visits them top down. */
const BOTTOM_UP_JOURNEY = `id: bottom-up
name: Bottom up
trigger: { event: Order Completed }
start: first
nodes:
  done: { type: exit }
  second: { type: wait, duration: 1d, next: done }
  first: { type: wait, duration: 1h, next: second }
`;

/** The lift test's customers: every messaged one converts and 3 held-out ones do, so the lift is certain. */
const LIFT_CUSTOMERS = 40;
const LIFT_SALT = 'console-lift';
const CONVERSION = 'Plan Upgraded';
/** The holdout lift panel's words, written out rather than taken from the dictionaries. */
const LIFT_WORDS = {
  en: {
    panel: 'Holdout lift',
    event: 'Conversion event',
    window: 'Window',
    days30: 'Last 30 days',
    measure: 'Measure',
    heldOut: 'Held out',
    messaged: 'Messaged as usual',
    difference: 'Difference',
    points: '{value} percentage points (95% interval {low} to {high})',
    relative: 'Relative lift',
    p: 'p value',
    raised: 'The messages raised conversion: the whole interval is above 0.',
  },
  'zh-CN': {
    panel: '保留组提升',
    event: '转化事件',
    window: '时间范围',
    days30: '最近 30 天',
    measure: '计算',
    heldOut: '保留组',
    messaged: '正常发送组',
    difference: '差值',
    points: '{value} 个百分点（95% 置信区间 {low} 至 {high}）',
    relative: '相对提升',
    p: 'p 值',
    raised: '消息提高了转化：整个置信区间都在 0 以上。',
  },
} satisfies Record<Locale, Record<string, string>>;

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
  /** A customer's page, found through the customer list's search (in English). */
  async function openCustomer(email: string, name: string): Promise<void> {
    await page.getByRole('link', { name: 'Customers' }).click();
    await heading('Customers');
    await page.getByLabel('Search customers').fill(email);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name }).click();
    await heading(name);
  }
  const openAda = () => openCustomer(CUSTOMER, 'Ada Lovelace');
  /** Drops the browser's log lines of failures a test caused on purpose (refused requests, a chunk that did not load). */
  const forgive = (caused: RegExp) => {
    for (let i = problems.length - 1; i >= 0; i--) if (caused.test(problems[i] ?? '')) problems.splice(i, 1);
  };

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
      // Each message says what its decision does to it, and the run's status is in words.
      await page.getByText(/^Status: (finished|still waiting at the horizon|not triggered), outcome: /).waitFor();
      await page
        .locator('.simulated-messages li', { hasText: 'onboarding_welcome' })
        .getByText(/^(Sent at once on email|Held until .+, then sent on email|Not sent)\.$/)
        .waitFor();
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
      await page.getByText('SMS, WhatsApp, voice: quiet from 21:00 to 08:00 (transactional let through)').waitFor();
      await page.getByText('marketing on all channels together: at most 3 per week').waitFor();
      // Every kind of rule, not only quiet hours and caps.
      await page
        .getByText(
          'service, marketing messages less than 1 hour apart collide: the higher class goes, the other gives way.',
        )
        .waitFor();
      await page.getByText('A marketing message that gives way is dropped.').waitFor();
      await page.getByText('marketing: dropped if held longer than 3 days').waitFor();
      await page.getByText('No one is held out.').waitFor();
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
    'lists held messages with when each goes',
    withFailureShot('messages-held', async () => {
      const at = Date.UTC(2031, 0, 2, 9, 30);
      await addOutbox(godwit.godwit.store, [
        outboxEntry('held:1', {
          workspaceId: godwit.workspaceId,
          journeyId: 'held',
          status: 'scheduled',
          nextAttemptAt: at,
          payload: { template: 'held_notice', address: CUSTOMER },
        }),
      ]);
      await page.getByRole('link', { name: 'Messages' }).click();
      await heading('Messages');
      await page.getByLabel('Status').selectOption('scheduled');
      await page.getByLabel('Journey').fill('held');
      await page.getByRole('button', { name: 'Apply' }).click();
      const row = page.getByRole('row', { name: /held_notice/ });
      await eventually('the held message', async () => (await row.count()) === 1);
      const text = await row.innerText();
      assert.match(text, /held/);
      assert.match(text, /goes at .*2031/);
    }),
  );

  it(
    'explains each decision in the admin’s language: on the timeline, beside the outbox, in English and Chinese',
    withFailureShot('decisions', async () => {
      const { id } = ((await callApi(godwit, 'GET', `/v1/customers/${CUSTOMER}`)).body as { profile: Profile }).profile;
      const heldUntil = Date.UTC(2031, 0, 2, 7, 0);
      const quietHours = {
        code: 'quiet_hours',
        channel: 'email',
        from: '23:00',
        to: '07:00',
        timeZone: 'Europe/London',
      };
      const decided = (key: string, status: string, payload: Record<string, unknown>) =>
        outboxEntry(key, {
          workspaceId: godwit.workspaceId,
          customerId: id,
          journeyId: 'decided',
          status,
          createdAt: Date.now(),
          updatedAt: Date.now(),
          ...(status === 'scheduled' ? { nextAttemptAt: heldUntil } : {}),
          payload: { address: CUSTOMER, messageClass: 'marketing', ...payload },
        } as Partial<OutboxRecord>);
      await addOutbox(godwit.godwit.store, [
        decided('decided:held', 'scheduled', {
          template: 'held_offer',
          // Decided once before: held by the daily cap, then by quiet hours when that hold ended.
          earlier: [
            {
              decidedAt: new Date(heldUntil - 2 * DAY).toISOString(),
              decision: 'delayed to 2031-01-01 07:00 Europe/London on email: cap 1 per day on all (1 already)',
              explanation: {
                outcome: 'delay',
                channel: 'email',
                at: heldUntil - DAY,
                timeZone: 'Europe/London',
                reasons: [
                  { code: 'frequency_cap', channel: 'all', per: 'day', max: 1, count: 1, heldUntil: heldUntil - DAY },
                ],
              },
            },
          ],
          decision: 'delayed to 2031-01-02 07:00 Europe/London on email: fixed channel email; quiet hours 23:00–07:00',
          explanation: {
            outcome: 'delay',
            channel: 'email',
            at: heldUntil,
            timeZone: 'Europe/London',
            reasons: [
              { code: 'fixed_channel', channel: 'email' },
              { ...quietHours, heldUntil },
            ],
          },
        }),
        decided('decided:dropped', 'suppressed', {
          template: 'dropped_offer',
          decision: 'suppressed: in the holdout group (bucket 170 < 30%)',
          explanation: { outcome: 'suppress', reasons: [{ code: 'holdout', bucket: 170, percent: 30 }] },
        }),
      ]);
      const inPage = (locale: Locale) =>
        page.evaluate(
          ([ms, locale]) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }).format(ms),
          [heldUntil, locale] as const,
        );

      // The timeline says why each message waits or was dropped, and opens it in full.
      await openAda();
      const timeline = page.getByRole('region', { name: 'Timeline' });
      const held = timeline.locator('li[data-type="message"]', { hasText: 'held_offer' });
      const goes = await inPage('en');
      await held
        .getByText(`held_offer · goes at ${goes} — The journey sends on email. Quiet hours for email, 23:00–07:00`, {
          exact: false,
        })
        .waitFor();
      await timeline
        .locator('li[data-type="message"]', { hasText: 'dropped_offer' })
        .getByText('The customer is in the holdout (30% of customers)', { exact: false })
        .waitFor();
      // Every time on it fits its column.
      const overflowing = await timeline
        .locator('time')
        .evaluateAll((times) => times.filter((t) => t.scrollWidth > t.clientWidth).map((t) => t.textContent));
      assert.deepEqual(overflowing, [], 'timeline times fit their column');
      await held.getByRole('link', { name: 'email · held' }).click();
      await heading('Messages');
      const decision = page.getByRole('complementary', { name: 'Message' }).getByRole('region', { name: 'Decision' });
      const at = await inPage('en');
      await decision.getByText(`Held until ${at}, then sent on email.`).waitFor();
      await decision
        .getByText(`Quiet hours for email, 23:00–07:00 in the customer’s time zone (Europe/London): held until ${at}.`)
        .waitFor();
      const before = page
        .getByRole('complementary', { name: 'Message' })
        .getByRole('region', { name: 'Decided before' });
      const dayBefore = await page.evaluate(
        (ms) => new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'medium' }).format(ms),
        heldUntil - DAY,
      );
      await before.getByText(`Held until ${dayBefore}, then sent on email.`).waitFor();

      /** The open message sits beside the list: nothing off the page, every row's button whole and in view. */
      const expectBesideTheList = async () => {
        // No named functions inside: the test's compiler would wrap them in a helper the page does not have.
        const layout = await page.evaluate(() => ({
          pageWidth: document.documentElement.scrollWidth,
          viewport: innerWidth,
          listRight: document.querySelector('.split > div')?.getBoundingClientRect().right ?? 0,
          panelRight: document.querySelector('.detail-panel')?.getBoundingClientRect().right ?? 0,
          closeHeight: document.querySelector('.detail-panel .close')?.getBoundingClientRect().height ?? 0,
          buttons: [...document.querySelectorAll('.split > div tbody button')]
            .map((b) => b.getBoundingClientRect())
            .map((b) => ({ right: b.right, height: b.height })),
        }));
        assert.ok(layout.pageWidth <= layout.viewport, `the page fits its width: ${JSON.stringify(layout)}`);
        assert.ok(layout.panelRight <= layout.viewport, 'the message is in view');
        for (const button of layout.buttons) {
          assert.ok(button.right <= layout.listRight, `a row's button is in view: ${JSON.stringify(button)}`);
          assert.ok(button.height <= layout.closeHeight, `a row's button is on one line: ${JSON.stringify(button)}`);
        }
      };
      await page.getByRole('row', { name: /held_offer/ }).waitFor();
      await expectBesideTheList();
      await shot('message-decision');
      // On a narrower screen the list scrolls sideways under its own width; the page and the message stay put.
      await page.setViewportSize({ width: 1000, height: 900 });
      const narrow = await page.evaluate(() => ({
        pageWidth: document.documentElement.scrollWidth,
        panelRight: document.querySelector('.detail-panel')?.getBoundingClientRect().right ?? 0,
      }));
      assert.ok(narrow.pageWidth <= 1000 && narrow.panelRight <= 1000, `in view: ${JSON.stringify(narrow)}`);
      await page.setViewportSize({ width: 1360, height: 900 });

      await page.getByLabel('Language').selectOption('zh-CN');
      const decisionZh = page.getByRole('complementary', { name: '消息' }).getByRole('region', { name: '发送决策' });
      const atZh = await inPage('zh-CN');
      await decisionZh.getByText(`暂缓至 ${atZh}，届时通过邮件发送。`).waitFor();
      await decisionZh.getByText(`邮件免打扰时段（客户时区 Europe/London 的 23:00–07:00）：暂缓至 ${atZh}。`).waitFor();
      await expectBesideTheList();
      await shot('message-decision-zh');
      await page
        .getByRole('row', { name: /dropped_offer/ })
        .getByRole('button', { name: '查看' })
        .click();
      await decisionZh.getByText('不发送。').waitFor();
      await decisionZh
        .getByText('客户属于保留组（占客户的 30%）：保留组不接收此类消息，以便衡量消息的提升效果。')
        .waitFor();
      await page.getByLabel('语言').selectOption('en');
      await heading('Messages');
      await page.keyboard.press('Escape');
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
      forgive(/status of 503/);
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
      forgive(/status of 400|ERR_CONNECTION_REFUSED|ERR_FAILED/);
    }),
  );

  it(
    'offers a reload when a page of the console does not arrive, saying whether Godwit answers',
    withFailureShot('chunk-failed', async () => {
      // A fresh document, so the settings page's code is not loaded yet.
      await page.goto(`${godwit.url}/`);
      await heading('Overview');
      await page.route(SETTINGS_CHUNK, (route) => route.abort('connectionrefused'));
      await page.getByRole('link', { name: 'Settings' }).click();
      const failure = page.getByRole('alert');
      // Godwit answers: the chunk is gone because the console was updated.
      await failure
        .getByText('The console was updated since this tab opened. Reload to use the new version.')
        .waitFor();
      assert.doesNotMatch(await failure.innerText(), /dynamically imported module/);
      await shot('chunk-failed');
      // Godwit does not answer either: it says so.
      await page.route('**/healthz', (route) => route.abort('connectionrefused'));
      await page.getByRole('link', { name: 'Customers' }).click();
      await heading('Customers');
      await page.getByRole('link', { name: 'Settings' }).click();
      await failure.getByText(/This page could not be loaded: Godwit is not answering/).waitFor();
      await page.unroute('**/healthz');
      await page.unroute(SETTINGS_CHUNK);
      await failure.getByRole('button', { name: 'Reload' }).click();
      await heading('Settings');
      forgive(/ERR_CONNECTION_REFUSED|dynamically imported module|ChunkLoadError/);
    }),
  );

  it(
    'says the journey counts are out of date while Godwit does not answer, and recovers',
    withFailureShot('stale-counts', async () => {
      await page.goto(`${godwit.url}/journeys/onboarding-first-90-days`);
      await heading('Onboarding, first 90 days');
      const counts = page.locator('[data-node="welcome"]').getByText(/1 entered/);
      await counts.waitFor();
      const stats = /\/v1\/journeys\/[^/]+\/stats$/;
      await page.route(stats, (route) => route.abort('connectionrefused'));
      // Within one refresh (5 s): the time of the counts shown, and why they are not refreshed.
      const note = page
        .getByRole('status')
        .filter({ hasText: /^Counts as of \d{1,2}:\d{2}.*, not updating: Godwit is not answering\./ });
      await note.waitFor();
      await counts.waitFor();
      assert.equal(await page.locator('.graph.stale').count(), 1, 'the old counts show dimmed');
      await shot('journey-stale-counts');
      await page.unroute(stats);
      await note.waitFor({ state: 'detached' });
      assert.equal(await page.locator('.graph.stale').count(), 0);
      forgive(/ERR_CONNECTION_REFUSED/);
    }),
  );

  it(
    'tabs through the journey graph step by step from the top, and names its zoom buttons',
    withFailureShot('graph-keyboard', async () => {
      assert.equal((await callApi(godwit, 'POST', '/v1/journeys', { source: BOTTOM_UP_JOURNEY })).status, 201);
      await page.goto(`${godwit.url}/journeys/bottom-up`);
      await heading('Bottom up');
      const graph = page.getByRole('region', { name: /^Journey graph with \d+ steps$/ });
      await graph.locator('[data-node="done"]').waitFor();
      for (const name of ['Zoom in', 'Zoom out', 'Fit to view']) {
        await graph.getByRole('button', { name, exact: true }).waitFor();
      }
      // From the Graph tab, Tab visits each step once, top down, before anything else in the graph: no edge.
      await page.getByRole('tab', { name: 'Graph' }).focus();
      const visited: (string | null)[] = [];
      for (let i = await graph.locator('.react-flow__node').count(); i > 0; i--) {
        await page.keyboard.press('Tab');
        visited.push(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.id ?? null));
      }
      assert.deepEqual(visited, ['__trigger__', 'first', 'second', 'done']);
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Zoom in');
    }),
  );

  it(
    'records consent for a customer who has none, for a channel and a topic',
    withFailureShot('consent-add', async () => {
      await sendBatch(godwit, [
        { type: 'identify', userId: 'grace', traits: { email: 'grace@example.com', name: 'Grace Hopper' } },
      ]);
      const group = { name: 'Newsletter', channels: ['email'] };
      assert.equal((await callApi(godwit, 'PUT', '/v1/subscription-groups/newsletter', group)).status, 201);
      await godwit.settle();
      await openCustomer('grace@example.com', 'Grace Hopper');
      await page.getByText('No consent recorded').waitFor();
      const form = page.getByRole('form', { name: 'Add consent' });
      await form.getByLabel('Channel').selectOption('sms');
      await form.getByLabel('Topic').selectOption('marketing');
      await form.getByRole('button', { name: 'Record' }).click();
      await page.getByRole('status').getByText('Recorded: SMS, marketing, Granted.').waitFor();
      await page
        .getByRole('row', { name: /SMS marketing Granted/ })
        .getByRole('button', { name: 'Deny' })
        .waitFor();
      // A subscription group is a topic of its own channels.
      await form.getByLabel('Channel').selectOption('email');
      await form.getByLabel('Topic').selectOption({ label: 'Newsletter' });
      await form.getByLabel('Status').selectOption('denied');
      await form.getByRole('button', { name: 'Record' }).click();
      await page.getByRole('row', { name: /email newsletter Denied/ }).waitFor();
      await shot('consent-added');
      const { consent } = ((await callApi(godwit, 'GET', '/v1/customers/grace')).body as { profile: Profile }).profile;
      assert.deepEqual(
        [consent.sms?.marketing?.status, consent.email?.newsletter?.status, consent.email?.newsletter?.source],
        ['granted', 'denied', 'console'],
      );
    }),
  );

  it(
    'gives an opened message its own address: back, forward and reload show it, Esc closes it',
    withFailureShot('message-address', async () => {
      await page.getByRole('link', { name: 'Messages' }).click();
      await heading('Messages');
      const view = page
        .getByRole('row', { name: /onboarding_welcome/ })
        .first()
        .getByRole('button', { name: 'View' });
      const panel = page.getByRole('complementary', { name: 'Message' });
      const rendered = page.frameLocator('iframe[title="Rendered message"]').getByText(/Welcome/);
      const shownKey = () => new URL(page.url()).searchParams.get('message');
      const isFocused = (locator: typeof view) => locator.evaluate((element) => element === document.activeElement);
      await view.click();
      await rendered.waitFor();
      const key = shownKey();
      assert.ok(key, 'the address names the message');
      assert.ok(await isFocused(panel), 'the keyboard moves to the message');
      // Esc closes it and the keyboard is back on the button that opened it.
      await page.keyboard.press('Escape');
      await panel.waitFor({ state: 'detached' });
      assert.equal(shownKey(), null);
      assert.ok(await isFocused(view), 'focus returns to its View button');
      await page.goBack();
      await rendered.waitFor();
      assert.equal(shownKey(), key);
      await page.goForward();
      await panel.waitFor({ state: 'detached' });
      await page.goBack();
      await page.reload();
      await heading('Messages');
      await rendered.waitFor();
      await page.keyboard.press('Escape');
      await panel.waitFor({ state: 'detached' });
    }),
  );

  /** Measures `CONVERSION` over 30 days in the panel, in `locale`, and checks it shows the API's `report`. */
  async function expectLiftShown(locale: Locale, report: HoldoutReport): Promise<void> {
    const words = LIFT_WORDS[locale];
    const f = liftFormats(locale);
    const count = new Intl.NumberFormat(locale);
    const panel = page.getByRole('region', { name: words.panel });
    await panel.getByLabel(words.event).fill(CONVERSION);
    await panel.getByLabel(words.window).selectOption({ label: words.days30 });
    await panel.getByRole('button', { name: words.measure }).click();
    await panel.getByText(words.raised, { exact: true }).waitFor();
    for (const [name, group] of [
      [words.heldOut, report.holdout],
      [words.messaged, report.treatment],
    ] as const) {
      const row = panel.getByRole('row', { name: new RegExp(`^${name} `) });
      assert.deepEqual(await row.getByRole('cell').allInnerTexts(), [
        count.format(group.customers),
        count.format(group.converted),
        f.rate(group.rate ?? Number.NaN),
      ]);
    }
    const figure = (label: string) =>
      panel.locator('.pair', { has: page.getByText(label, { exact: true }) }).locator('dd');
    const { difference, relativeLift, pValue } = report;
    assert.ok(difference && relativeLift !== null && pValue !== null);
    const points = {
      value: f.points(difference.value),
      low: f.points(difference.low),
      high: f.points(difference.high),
    };
    assert.equal(
      await figure(words.difference).innerText(),
      words.points.replace(/\{(\w+)\}/g, (_, name: keyof typeof points) => points[name]),
    );
    assert.equal(await figure(words.relative).innerText(), f.relative(relativeLift));
    assert.equal(await figure(words.p).innerText(), f.p(pValue));
  }

  it(
    'measures the holdout lift on a conversion event, in English and in Chinese; says how to set a holdout',
    withFailureShot('holdout-lift', async () => {
      const { policy } = (await callApi(godwit, 'GET', '/v1/policy')).body;
      await page.getByRole('link', { name: 'Settings' }).click();
      await heading('Settings');
      await page
        .getByRole('region', { name: 'Holdout lift' })
        .getByText(/^This policy holds no one out.* set holdout\.percent in the policy/)
        .waitFor();

      const customers = Array.from({ length: LIFT_CUSTOMERS }, (_, i) => `lift-${i}`);
      await sendBatch(
        godwit,
        customers.map((userId) => ({ type: 'identify', userId, traits: { name: userId } })),
      );
      const holdout = { percent: 50, salt: LIFT_SALT };
      assert.equal((await callApi(godwit, 'PUT', '/v1/policy', { ...policy, holdout })).status, 200);
      try {
        let heldOutConverting = 3;
        const conversions: Record<string, unknown>[] = [];
        for (const userId of customers) {
          const { id } = ((await callApi(godwit, 'GET', `/v1/customers/${userId}`)).body as { profile: Profile })
            .profile;
          const heldOut = inHoldout(holdoutBucket(id, LIFT_SALT), holdout.percent);
          if (!heldOut || heldOutConverting-- > 0) conversions.push({ type: 'track', userId, event: CONVERSION });
        }
        await sendBatch(godwit, conversions);
        const answer = await callApi(
          godwit,
          'GET',
          `/v1/policy/holdout?event=${encodeURIComponent(CONVERSION)}&days=30`,
        );
        const report = answer.body as HoldoutReport;
        assert.ok((report.difference?.low ?? 0) > 0, `a certain lift: ${JSON.stringify(report)}`);

        await page.reload();
        await heading('Settings');
        await page
          .getByText('50% of customers get no marketing messages, to measure their lift (salt console-lift).')
          .waitFor();
        await expectLiftShown('en', report);
        await shot('holdout-lift');
        // A name no one sent (here, in the wrong case) says why the figures are empty.
        const panel = page.getByRole('region', { name: 'Holdout lift' });
        await panel.getByLabel('Conversion event').fill(CONVERSION.toLowerCase());
        await panel.getByRole('button', { name: 'Measure' }).click();
        await panel
          .getByText('No customer did plan upgraded in this window. Event names match exactly, case included', {
            exact: false,
          })
          .waitFor();
        await page.getByLabel('Language').selectOption('zh-CN');
        await page.getByRole('heading', { level: 1, name: '设置' }).waitFor();
        await expectLiftShown('zh-CN', report);
        await shot('holdout-lift-zh');
        await page.getByLabel('语言').selectOption('en');
        await heading('Settings');
      } finally {
        await callApi(godwit, 'PUT', '/v1/policy', policy);
      }
    }),
  );

  it(
    'warns while a channel’s provider is failing, on the messages page and the overview',
    withFailureShot('failing-channel', async () => {
      const { delivery } = godwit.godwit.store;
      const sms = { channel: 'sms', provider: 'twilio', reason: '503 Service Unavailable' };
      const warning = page.getByRole('alert').filter({ hasText: 'Some channels cannot deliver right now' });
      const expectWarning = async () => {
        await warning
          .getByRole('listitem')
          .filter({
            hasText: /^SMS: its provider twilio is failing\. Last error at \d{1,2}:\d{2}.*: 503 Service Unavailable$/,
          })
          .waitFor();
        await warning
          .getByText(/^Meanwhile, sends on the best channel go to another of the customer’s channels\./)
          .waitFor();
      };
      await delivery.setChannelHealth([{ ...sms, unhealthyUntil: Date.now() + 60_000, updatedAt: Date.now() }]);
      try {
        await page.getByRole('link', { name: 'Messages' }).click();
        await heading('Messages');
        await expectWarning();
        await page.getByRole('link', { name: 'Overview' }).click();
        await heading('Overview');
        await expectWarning();
        await shot('overview-failing-channel');
      } finally {
        await delivery.setChannelHealth([{ ...sms, unhealthyUntil: 0, updatedAt: Date.now() }]);
      }
      assert.deepEqual((await callApi(godwit, 'GET', '/v1/messages/stats')).body.failing, []);
      const rechecked = page.waitForResponse((response) => response.url().endsWith('/v1/messages/stats'));
      await page.getByRole('link', { name: 'Messages' }).click();
      await heading('Messages');
      await rechecked;
      await page.getByRole('tab', { name: 'Outbox' }).waitFor();
      assert.equal(await warning.count(), 0, 'no warning once the provider sends again');
    }),
  );

  it(
    'switches the same customer page to Simplified Chinese and remembers it',
    withFailureShot('chinese', async () => {
      // A run's outcome is a word of the admin's language too: Ada's run, as if she had converted.
      const journeys = /\/v1\/customers\/[^/?]+\/journeys$/;
      await page.route(journeys, async (route) => {
        const answer = await route.fetch();
        const { runs } = (await answer.json()) as { runs: Record<string, unknown>[] };
        await route.fulfill({ response: answer, json: { runs: runs.map((r) => ({ ...r, outcome: 'converted' })) } });
      });
      await openAda();
      await page.getByLabel('Language').selectOption('zh-CN');
      await page.getByRole('link', { name: '客户' }).waitFor();
      await page.locator('.runs .badge', { hasText: '已转化' }).first().waitFor();
      await page.unroute(journeys);
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

  it(
    'speaks Chinese in the catalog, the journey graph, the overview chart and the timeline',
    withFailureShot('chinese-words', async () => {
      const nav = page.getByRole('navigation');
      await nav.getByRole('link', { name: '旅程' }).click();
      await page.getByRole('heading', { level: 1, name: '旅程' }).waitFor();
      // Catalog journeys by their id in the console's words.
      const card = page.locator('.card', { has: page.getByRole('heading', { name: '新客引导（前 90 天）' }) });
      await card.getByText(/^首次购买时发送欢迎消息/).waitFor();
      assert.equal(await page.getByRole('heading', { level: 3, name: /Onboarding|Support follow-up/ }).count(), 0);
      await card.getByRole('link', { name: '打开' }).click();
      await page.locator('[data-node="welcome"] .node-type').getByText('发送', { exact: true }).waitFor();
      await page.locator('[data-node="day_2"] .node-type').getByText('等待', { exact: true }).waitFor();
      await page.locator('.react-flow__edge-text', { hasText: '不满足' }).first().waitFor();
      await page.getByRole('button', { name: '放大', exact: true }).waitFor();
      await shot('journey-zh');
      // The simulator's status and each message's decision are in Chinese; the path is marked as Godwit's English.
      await page.getByRole('tab', { name: '模拟' }).click();
      await page.getByLabel('客户（ID、邮箱、电话）').fill(CUSTOMER);
      await page.getByRole('button', { name: '运行模拟' }).click();
      await page.getByText(/^状态：(已结束|到模拟终点时仍在等待|未触发)，结果：/).waitFor();
      await page
        .locator('.simulated-messages li', { hasText: 'onboarding_welcome' })
        .getByText(/^(立即通过邮件发送|暂缓至 .+，届时通过邮件发送|不发送)。$/)
        .waitFor();
      assert.equal(
        await page.locator('.path-steps li span[lang="en"]').count(),
        await page.locator('.path-steps li').count(),
      );
      await shot('journey-simulate-zh');

      // A delivered message of Grace's, for her timeline.
      const grace = ((await callApi(godwit, 'GET', '/v1/customers/grace')).body as { profile: Profile }).profile;
      const now = Date.now();
      const fields = { workspaceId: godwit.workspaceId, customerId: grace.id, journeyId: 'hello', status: 'delivered' };
      await addOutbox(godwit.godwit.store, [
        outboxEntry('grace:hello', { ...fields, createdAt: now, updatedAt: now } as Partial<OutboxRecord>),
      ]);
      await nav.getByRole('link', { name: '概览' }).click();
      const legend = page.locator('.recharts-legend-item-text');
      await legend.filter({ hasText: '已送达' }).first().waitFor();
      const words = await legend.allInnerTexts();
      assert.ok(!words.some((word) => /^[a-z_ ]+$/.test(word)), `the legend is in Chinese: ${words.join(', ')}`);
      await shot('overview-zh');

      await nav.getByRole('link', { name: '客户' }).click();
      await page.getByLabel('搜索客户').fill('grace@example.com');
      await page.getByRole('button', { name: '搜索', exact: true }).click();
      await page.getByRole('link', { name: 'Grace Hopper' }).click();
      const timeline = page.getByRole('region', { name: '时间线' });
      const message = timeline.locator('li[data-type="message"]');
      await message.getByText('邮件 · 已送达').waitFor();
      await message.locator('.badge').getByText('消息', { exact: true }).waitFor();
      await timeline.locator('li[data-type="identify"]').getByText('属性已更新').waitFor();
      await shot('timeline-zh');
    }),
  );

  it(
    'says what went wrong in Chinese: by the error code, with the server’s English as detail',
    withFailureShot('chinese-errors', async () => {
      const consent = /\/v1\/customers\/[^/?]+\/consent$/;
      const refuse = (status: number, code: string, message: string) =>
        page.route(consent, (route) =>
          route.fulfill({
            status,
            contentType: 'application/json',
            body: JSON.stringify({ error: { code, message } }),
          }),
        );
      const form = page.getByRole('form', { name: '添加同意记录' });
      await refuse(400, 'invalid_input', 'channel: must be one of email, sms');
      await form.getByRole('button', { name: '记录' }).click();
      const alert = page.getByRole('alert');
      await alert.getByText('Godwit 无法接受这项输入。').waitFor();
      assert.equal(await alert.locator('[lang="en"]').innerText(), 'channel: must be one of email, sms');
      await shot('error-zh');
      // A code the console does not know keeps the server's words.
      await page.unroute(consent);
      await refuse(418, 'teapot', 'Godwit is a teapot today');
      await form.getByRole('button', { name: '记录' }).click();
      await alert.getByText('Godwit is a teapot today').waitFor();
      assert.equal((await alert.innerText()).trim(), 'Godwit is a teapot today');
      await page.unroute(consent);

      // A page whose code does not arrive says so in Chinese too.
      await page.goto(`${godwit.url}/`);
      await page.getByRole('heading', { level: 1, name: '概览' }).waitFor();
      await page.route(SETTINGS_CHUNK, (route) => route.abort('connectionrefused'));
      await page.getByRole('navigation').getByRole('link', { name: '设置' }).click();
      await alert.getByText('此标签页打开后控制台已更新。请重新加载以使用新版本。').waitFor();
      await page.unroute(SETTINGS_CHUNK);
      await alert.getByRole('button', { name: '重新加载' }).click();
      await page.getByRole('heading', { level: 1, name: '设置' }).waitFor();
      // Channels and roles are words too.
      await page.locator('.chips li', { hasText: '短信' }).waitFor();
      await page.getByRole('cell', { name: '管理员' }).waitFor();
      // A policy that is not JSON is said so in Chinese, before asking Godwit; the browser's words are the detail.
      await page.getByLabel('策略（JSON）').fill('{ "holdout": ');
      await page.getByRole('button', { name: '保存策略' }).click();
      await alert.getByText('这不是有效的 JSON，因此没有提交给 Godwit。请检查括号、逗号和引号。').waitFor();
      assert.match(await alert.locator('[lang="en"]').innerText(), /JSON/);
      forgive(/status of (400|418)|ERR_CONNECTION_REFUSED|dynamically imported module|ChunkLoadError/);
      assert.deepEqual(problems, []);
    }),
  );
});
