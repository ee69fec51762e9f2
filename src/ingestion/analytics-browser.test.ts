import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../app/test-browser.ts';
import { startTestGodwit, type TestGodwit } from '../app/test-godwit.ts';

/**
 * The unmodified analytics.js (@segment/analytics-next), served by Godwit and loaded by the Segment
 * snippet on a page of another origin in a real Chromium, delivers identify, track and page calls.
 */

interface TimelineEvent {
  type: string;
  event?: string;
  userId?: string;
  properties?: Record<string, unknown>;
  context?: { library?: { name?: string } };
}
interface CustomerResponse {
  profile: { traits: Record<string, unknown> };
  identities: { kind: string; value: string }[];
  timeline: { events: TimelineEvent[] };
}

/**
 * Segment's official analytics.js snippet (5.2.0) with the change Segment documents for a proxy: the
 * script host in `t.src`, and `analytics._cdn` so bundles and settings come from the same place.
 */
function segmentSnippet(options: { cdn: string; writeKey: string; calls: string }): string {
  const { cdn, writeKey, calls } = options;
  return `!function(){var i="analytics",analytics=window[i]=window[i]||[];if(!analytics.initialize)if(analytics.invoked)window.console&&console.error&&console.error("Segment snippet included twice.");else{analytics.invoked=!0;analytics.methods=["trackSubmit","trackClick","trackLink","trackForm","pageview","identify","reset","group","track","ready","alias","debug","page","screen","once","off","on","addSourceMiddleware","addIntegrationMiddleware","setAnonymousId","addDestinationMiddleware","register"];analytics.factory=function(e){return function(){if(window[i].initialized)return window[i][e].apply(window[i],arguments);var n=Array.prototype.slice.call(arguments);if(["track","screen","alias","group","page","identify"].indexOf(e)>-1){var c=document.querySelector("link[rel='canonical']");n.push({__t:"bpc",c:c&&c.getAttribute("href")||void 0,p:location.pathname,u:location.href,s:location.search,t:document.title,r:document.referrer})}n.unshift(e);analytics.push(n);return analytics}};for(var n=0;n<analytics.methods.length;n++){var key=analytics.methods[n];analytics[key]=analytics.factory(key)}analytics.load=function(key,n){var t=document.createElement("script");t.type="text/javascript";t.async=!0;t.setAttribute("data-global-segment-analytics-key",i);t.src=${JSON.stringify(cdn)}+"/analytics.js/v1/"+key+"/analytics.min.js";var r=document.getElementsByTagName("script")[0];r.parentNode.insertBefore(t,r);analytics._loadOptions=n};analytics._writeKey=${JSON.stringify(writeKey)};analytics.SNIPPET_VERSION="5.2.0";
analytics._cdn=${JSON.stringify(cdn)};
${calls}
}}();`;
}

function shopPage(godwit: TestGodwit): string {
  const calls = `analytics.load(${JSON.stringify(godwit.writeKey)});
analytics.identify('browser-user', { email: 'Browser.User@Example.com', plan: 'trial' });
analytics.track('Clicked Buy', { sku: 'A1' });
analytics.page();
analytics.ready(function () { document.getElementById('status').textContent = 'analytics.js ready'; });`;
  return `<!doctype html><html><head><title>Godwit shop</title><link rel="icon" href="data:,"><script>${segmentSnippet({ cdn: godwit.url, writeKey: godwit.writeKey, calls })}</script></head>
<body><h1>Godwit shop</h1><p id="status">loading analytics.js…</p><button>Buy A1</button></body></html>`;
}

/** A plain web server on its own port: the page's origin differs from Godwit's, so CORS applies. */
async function servePage(html: string): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    if (request.url !== '/') return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

async function getCustomer(godwit: TestGodwit, id: string): Promise<CustomerResponse | undefined> {
  await godwit.settle();
  const response = await fetch(`${godwit.url}/v1/customers/${encodeURIComponent(id)}`, {
    headers: { authorization: `Bearer ${godwit.secretKey}` },
  });
  return response.status === 200 ? ((await response.json()) as CustomerResponse) : undefined;
}

/** Polls until the customer's timeline holds every wanted event type, or the deadline passes. */
async function waitForTimeline(godwit: TestGodwit, id: string, types: string[]): Promise<CustomerResponse> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const customer = await getCustomer(godwit, id);
    const seen = new Set(customer?.timeline.events.map((e) => e.type));
    if (customer && types.every((type) => seen.has(type))) return customer;
    if (Date.now() > deadline) assert.fail(`${id} has ${[...seen].join(', ') || 'no events'}, wanted ${types}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Collects what went wrong in the page, and every event post to Godwit with its CORS answer. */
function watch(page: Page, godwitUrl: string) {
  const problems: string[] = [];
  const posts: { path: string; status: number; allowOrigin?: string }[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('requestfailed', (request) => problems.push(`failed: ${request.url()} ${request.failure()?.errorText}`));
  page.on('response', (response) => {
    if (response.request().method() !== 'POST' || !response.url().startsWith(godwitUrl)) return;
    const path = new URL(response.url()).pathname;
    posts.push({ path, status: response.status(), allowOrigin: response.headers()['access-control-allow-origin'] });
  });
  return { problems, posts };
}

describe('analytics.js in Chromium against Godwit', () => {
  let godwit: TestGodwit;
  let browser: Browser;
  before(async () => {
    godwit = await startTestGodwit();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await godwit?.close();
  });

  it('loads from Godwit via the snippet on another origin and delivers identify, track and page', async () => {
    const site = await servePage(shopPage(godwit));
    const page = await browser.newPage();
    try {
      const { problems, posts } = watch(page, godwit.url);
      await page.goto(site.url);
      await page
        .waitForFunction(() => document.getElementById('status')?.textContent === 'analytics.js ready', null, {
          timeout: 15_000,
        })
        .catch(() => assert.fail(`analytics.js never became ready: ${problems.join('; ')}`));
      const customer = await waitForTimeline(godwit, 'browser-user', ['identify', 'track', 'page']);
      await mkdir('test-artifacts', { recursive: true });
      await page.screenshot({ path: 'test-artifacts/analytics-browser.png' });

      assert.deepEqual(problems, []);
      const origin = new URL(site.url).origin;
      assert.deepEqual(posts.map((p) => p.path).sort(), ['/v1/i', '/v1/p', '/v1/t']);
      assert.ok(
        posts.every((p) => p.status === 200 && p.allowOrigin === origin),
        JSON.stringify(posts),
      );

      assert.equal(customer.profile.traits.email, 'Browser.User@Example.com');
      assert.equal(customer.profile.traits.plan, 'trial');
      assert.ok(customer.identities.some((i) => i.kind === 'email' && i.value === 'browser.user@example.com'));
      assert.ok(
        customer.identities.some((i) => i.kind === 'anonymous_id'),
        'the browser anonymousId is linked',
      );
      const events = customer.timeline.events;
      assert.equal(events.length, 3);
      assert.ok(events.every((e) => e.userId === 'browser-user' && e.context?.library?.name === 'analytics.js'));
      const track = events.find((e) => e.type === 'track');
      assert.equal(track?.event, 'Clicked Buy');
      assert.deepEqual(track?.properties, { sku: 'A1' });
      const pageView = events.find((e) => e.type === 'page');
      assert.equal(pageView?.properties?.url, site.url);
      assert.equal(pageView?.properties?.title, 'Godwit shop');
    } finally {
      await page.close();
      site.server.close();
    }
  });

  it('answers a CORS preflight, and a gzip text/plain post carrying its write key, from any origin', async () => {
    const origin = 'https://shop.example';
    const preflight = await fetch(`${godwit.url}/v1/t`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), origin);
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /content-type/i);

    const message = { userId: 'zipped-user', event: 'Zipped Beacon', properties: { n: 7 }, writeKey: godwit.writeKey };
    const response = await fetch(`${godwit.url}/v1/t`, {
      method: 'POST',
      headers: { origin, 'content-type': 'text/plain', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify(message)),
    });
    assert.equal(response.status, 200, await response.clone().text());
    assert.equal(response.headers.get('access-control-allow-origin'), origin);
    const customer = await waitForTimeline(godwit, 'zipped-user', ['track']);
    assert.equal(customer.timeline.events[0]?.event, 'Zipped Beacon');
    assert.deepEqual(customer.timeline.events[0]?.properties, { n: 7 });
  });
});
