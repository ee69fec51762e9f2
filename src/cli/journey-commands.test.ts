import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { testFiles } from '../app/test-files.ts';
import { startTestGodwit, type TestGodwit } from '../app/test-godwit.ts';
import { readCatalogText } from '../journeys/catalog/journey-catalog.ts';
import { callApi, cartCustomer, DAY, HOUR, iso, MINUTE, sendBatch, T0 } from '../journeys/test-journey-api.ts';

const { dir, file } = testFiles('journeys');

describe('godwit journeys (CLI)', () => {
  let t: TestGodwit;
  const godwit = (...args: string[]) =>
    spawnSync(process.execPath, ['bin/godwit.mjs', 'journeys', ...args], {
      env: { ...process.env, GODWIT_DATA_DIR: t.dataDir, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
    });
  before(async () => {
    t = await startTestGodwit();
    await sendBatch(t, cartCustomer('ada', 'k1', T0 + 5 * HOUR - 10 * MINUTE));
  });
  after(() => t.close());

  it('validate prints OK, or each problem with its node and field and exits 1', () => {
    const ok = godwit('validate', file('cart.yaml', readCatalogText('abandoned-cart.yaml')));
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /OK: .*cart\.yaml is journey abandoned-cart v1 with 8 nodes/);
    const broken = readCatalogText('abandoned-cart.yaml').replace('duration: 1h', 'duration: soon');
    const bad = godwit('validate', file('broken.yaml', broken));
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /nodes\.wait_an_hour\.duration: must be like 30m, 2h, 3d/);
    const missing = godwit('validate', join(dir, 'nope.yaml'));
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /cannot read/);
  });

  it('simulate prints the path for a customer, or the raw result with --json', () => {
    const now = iso(T0 + 5 * HOUR);
    const text = godwit('simulate', 'abandoned-cart', '--customer', 'ada@example.com', '--now', now);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /Abandoned cart reminder \(abandoned-cart v1\)/);
    assert.match(text.stdout, /2025-01-06 15:00 UTC {2}reminder {6}send cart_reminder via best \(marketing\)/);
    assert.match(text.stdout, /→ completed at 2025-01-07 09:00 UTC/);
    assert.match(text.stdout, /reminder {6}send cart_reminder via best \(marketing\) → sent on email/);
    assert.match(
      text.stdout,
      /discount {6}send cart_discount via email \(marketing\) → delayed until 2025-01-07 16:00 Europe\/Berlin/,
    );
    assert.match(text.stdout, /2 message\(s\) would be sent \(1 delayed\); nothing was sent/);
    const mine = file('mine.yaml', readCatalogText('abandoned-cart.yaml'));
    const json = godwit('simulate', mine, '--customer', 'ada', '--now', now, '--json');
    assert.equal(json.status, 0, json.stderr);
    const result = JSON.parse(json.stdout);
    assert.equal(result.messages[1].at, iso(T0 + DAY));
    assert.equal(result.dryRun, true);
    const unknown = godwit('simulate', 'abandoned-cart', '--customer', 'zed');
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /no customer with id or identifier zed/);
  });

  it('simulate words and counts each send as its decision says: a suppressed one is not sent', async () => {
    await sendBatch(t, cartCustomer('eve', 'k2', T0 + 5 * HOUR - 10 * MINUTE));
    const denied = { channel: 'email', topic: 'marketing', status: 'denied' };
    assert.equal((await callApi(t, 'PUT', '/v1/customers/eve/consent', denied)).status, 200);
    const text = godwit('simulate', 'abandoned-cart', '--customer', 'eve@example.com', '--now', iso(T0 + 5 * HOUR));
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /send cart_reminder via best \(marketing\) → sent on in_app/);
    assert.match(
      text.stdout,
      /send cart_discount via email \(marketing\) → suppressed because email: email consent denied for marketing/,
    );
    assert.match(text.stdout, /1 message\(s\) would be sent, 1 suppressed; nothing was sent/);
  });
});
