import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../src/app/test-browser.ts';
import { ensureConsoleBuilt } from '../src/console/console-build.ts';
import { createDefinition } from './lib/journey-bench-kit.ts';
import { fmtInt, intFlag, log, median, printTable, type Row } from './lib/report.ts';
import { type ServerProcess, startServer, waitForProfiles } from './lib/server-process.ts';

/**
 * The console in Debian's Chromium against a server process: the JavaScript a first visit downloads
 * (gzipped), and the time to interactive of a customer with a 10,000-event timeline and of a
 * 30-node journey graph, medians over `--loads` cold loads (a fresh browser context each).
 */

const TARGETS = { firstLoadKb: 300, ttiMs: 1000 };
const TIMELINE_EVENTS = 10_000;
const JOURNEY_NODES = 30;

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { loads: { type: 'string' } } });
  const loads = intFlag(values.loads, 5, '--loads');
  log('building the console (if stale)…');
  ensureConsoleBuilt({ quiet: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'godwit-bench-console-'));
  const server = await startServer({ dataDir });
  const browser = await launchChromium();
  try {
    const customerId = await seedTimeline(server);
    await createDefinition(server, '/v1/journeys', journeyOfNodes(JOURNEY_NODES));
    const firstLoad = await firstLoadJs(browser, { url: server.url, ready: 'button[type=submit]' });
    const signedIn = await signedInState(server);
    const overviewLoad = await firstLoadJs(browser, { url: server.url, ready: '.chart svg', cookies: signedIn });
    const customer: number[] = [];
    const journey: number[] = [];
    const scrollAll: number[] = [];
    const longest: number[] = [];
    for (let i = 0; i < loads; i++) {
      log(`load ${i + 1}/${loads}…`);
      const page = await freshPage(browser, signedIn);
      customer.push(await timeToInteractive(page, `${server.url}/customers/${customerId}`, '.timeline li.entry'));
      const scrolled = await scrollWholeTimeline(page);
      scrollAll.push(scrolled.ms);
      longest.push(scrolled.longestTaskMs);
      journey.push(
        await timeToInteractive(page, `${server.url}/journeys/bench-graph`, `[data-node="n${JOURNEY_NODES - 2}"]`),
      );
      await page.context().close();
    }
    const kb = (bytes: number) => bytes / 1024;
    const rows: Row[] = [
      {
        what: 'first load JS (sign-in page), gzipped',
        value: `${kb(firstLoad.bytes).toFixed(1)} KB`,
        target: { met: kb(firstLoad.bytes) < TARGETS.firstLoadKb, text: `< ${TARGETS.firstLoadKb} KB` },
        detail: `${firstLoad.files} files`,
      },
      {
        what: 'first load JS signed in (overview with its charts), gzipped',
        value: `${kb(overviewLoad.bytes).toFixed(1)} KB`,
        target: { met: kb(overviewLoad.bytes) < TARGETS.firstLoadKb, text: `< ${TARGETS.firstLoadKb} KB` },
        detail: `${overviewLoad.files} files`,
      },
      {
        what: `customer page, ${fmtInt(TIMELINE_EVENTS)}-event timeline: TTI (median)`,
        value: `${fmtInt(median(customer))} ms`,
        target: { met: median(customer) < TARGETS.ttiMs, text: `< ${TARGETS.ttiMs} ms` },
        detail: `loads: ${customer.map(fmtInt).join(', ')}`,
      },
      {
        what: `scroll through all ${fmtInt(TIMELINE_EVENTS)} entries (median)`,
        value: `${fmtInt(median(scrollAll))} ms`,
        detail: `longest main-thread task while scrolling (median): ${fmtInt(median(longest))} ms`,
      },
      {
        what: `journey page, ${JOURNEY_NODES}-node graph: TTI (median)`,
        value: `${fmtInt(median(journey))} ms`,
        target: { met: median(journey) < TARGETS.ttiMs, text: `< ${TARGETS.ttiMs} ms` },
        detail: `loads: ${journey.map(fmtInt).join(', ')}`,
      },
    ];
    printTable(`console in Chromium (${loads} cold loads each)`, rows);
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** One customer with an identify and 9,999 tracks, in batches of 500. */
async function seedTimeline(server: ServerProcess): Promise<string> {
  log(`seeding a ${fmtInt(TIMELINE_EVENTS)}-event timeline…`);
  const auth = `Basic ${Buffer.from(`${server.writeKey}:`).toString('base64')}`;
  const start = Date.now() - TIMELINE_EVENTS * 60_000;
  for (let offset = 0; offset < TIMELINE_EVENTS; offset += 500) {
    const batch = Array.from({ length: Math.min(500, TIMELINE_EVENTS - offset) }, (_, i) => {
      const n = offset + i;
      const timestamp = new Date(start + n * 60_000).toISOString();
      return n === 0
        ? {
            type: 'identify',
            userId: 'bench-ada',
            traits: { email: 'ada@bench.example', name: 'Ada Bench' },
            timestamp,
          }
        : {
            type: 'track',
            userId: 'bench-ada',
            event: `Viewed Product ${n % 50}`,
            properties: { sku: `sku-${n}`, price: n % 90 },
            timestamp,
          };
    });
    const response = await fetch(`${server.url}/v1/batch`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ batch }),
    });
    if (!response.ok) throw new Error(`batch: ${response.status} ${await response.text()}`);
  }
  await waitForProfiles(server);
  const found = await fetch(`${server.url}/v1/customers/bench-ada?limit=1`, {
    headers: { authorization: `Bearer ${server.secretKey}` },
  });
  return ((await found.json()) as { profile: { id: string } }).profile.id;
}

/** A chain of waits with a condition every third node that can leave early: `count` nodes in all, as YAML. */
export function journeyOfNodes(count: number): { source: string } {
  const last = `n${count - 1}`;
  const lines = [
    'id: bench-graph',
    'name: "Bench: 30-node journey"',
    'trigger: { event: Bench Started }',
    'start: n0',
    'nodes:',
  ];
  for (let i = 0; i < count - 1; i++) {
    const next = i === count - 2 ? last : `n${i + 1}`;
    const rule = '{ property: traits.plan, op: eq, value: pro }';
    lines.push(
      i % 3 === 2
        ? `  n${i}: { type: condition, rules: [${rule}], then: ${next}, else: ${last} }`
        : `  n${i}: { type: wait, duration: 1d, next: ${next} }`,
    );
  }
  lines.push(`  ${last}: { type: exit }`);
  return { source: `${lines.join('\n')}\n` };
}

/** Every script a first visit fetches until `ready` shows, gzipped as the server sends it. */
async function firstLoadJs(
  browser: Browser,
  options: { url: string; ready: string; cookies?: Awaited<ReturnType<typeof signedInState>> },
): Promise<{ bytes: number; files: number }> {
  const context = await browser.newContext();
  if (options.cookies) await context.addCookies(options.cookies);
  const page = await context.newPage();
  const scripts = new Set<string>();
  page.on('response', (response) => {
    if (response.request().resourceType() === 'script') scripts.add(response.url());
  });
  await page.goto(options.url, { waitUntil: 'networkidle' });
  await page.locator(options.ready).first().waitFor();
  await context.close();
  let bytes = 0;
  for (const script of scripts) bytes += gzipSync(Buffer.from(await (await fetch(script)).arrayBuffer())).length;
  return { bytes, files: scripts.size };
}

async function signedInState(server: ServerProcess) {
  if (!server.admin) throw new Error('the server did not print the first admin');
  const response = await fetch(`${server.url}/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(server.admin),
  });
  if (!response.ok) throw new Error(`sign-in: ${response.status} ${await response.text()}`);
  const cookies = response.headers.getSetCookie().map((line) => {
    const [pair] = line.split(';');
    const [name, ...value] = (pair ?? '').split('=');
    return { name: name ?? '', value: decodeURIComponent(value.join('=')), url: server.url };
  });
  return cookies;
}

/** A new context each time: an empty HTTP cache, as a first visit. Long tasks are recorded from the start. */
async function freshPage(browser: Browser, cookies: Awaited<ReturnType<typeof signedInState>>): Promise<Page> {
  const context: BrowserContext = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  await context.addCookies(cookies);
  await context.addInitScript(() => {
    const tasks: number[] = [];
    (window as unknown as { longTasks: number[] }).longTasks = tasks;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) tasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  return context.newPage();
}

/**
 * From navigation start until the page's main content is on screen and the main thread answers: the
 * selector is visible, then a frame and a task both run (so no long task is still holding the thread).
 */
async function timeToInteractive(page: Page, url: string, selector: string): Promise<number> {
  await page.goto(url);
  await page.locator(selector).first().waitFor({ timeout: 30_000 });
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0))),
  );
}

/** Scrolls the timeline to its end until all entries are loaded; the time, and the longest task meanwhile. */
async function scrollWholeTimeline(page: Page): Promise<{ ms: number; longestTaskMs: number }> {
  const before = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks.length);
  const start = performance.now();
  const expected = `${fmtInt(TIMELINE_EVENTS)} entries`;
  while (!(await page.getByText(expected, { exact: true }).isVisible())) {
    await page.locator('.timeline').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await page.waitForTimeout(20);
    if (performance.now() - start > 60_000) throw new Error('the timeline did not load every entry within 60 s');
  }
  const ms = performance.now() - start;
  const longestTaskMs = await page.evaluate(
    (from) => Math.max(0, ...(window as unknown as { longTasks: number[] }).longTasks.slice(from)),
    before,
  );
  return { ms, longestTaskMs };
}
