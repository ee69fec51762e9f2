import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../app/test-godwit.ts';
import { readCatalogText } from '../journeys/catalog/journey-catalog.ts';

const root = mkdtempSync(join(tmpdir(), 'godwit-apply-'));
const folder = (name: string, files: Record<string, string>) => {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
};
const welcome = (duration: string, status = 'draft') =>
  JSON.stringify({
    id: 'welcome',
    name: 'Welcome',
    status,
    trigger: { event: 'Signed Up' },
    start: 'wait_1',
    nodes: { wait_1: { type: 'wait', duration, next: 'end' }, end: { type: 'exit' } },
  });

describe('godwit journeys apply|export|list|install (CLI, with the server running)', () => {
  let t: TestGodwit;
  const godwit = (...args: string[]) =>
    spawnSync(process.execPath, ['bin/godwit.mjs', 'journeys', ...args], {
      env: { ...process.env, GODWIT_DATA_DIR: t.dataDir, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
    });
  before(async () => {
    t = await startTestGodwit();
  });
  after(() => t.close());

  it('refuses to apply anything when one file is invalid', () => {
    const dir = folder('broken', {
      'cart.yaml': readCatalogText('abandoned-cart.yaml'),
      'welcome.json': welcome('soon'),
      'notes.txt': 'not a journey',
    });
    const run = godwit('apply', dir);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /nothing was applied:\n.*welcome\.json:\n {2}nodes\.wait_1\.duration: must be like 30m/);
    assert.equal(
      godwit('list').stdout.trim(),
      'no journeys yet: godwit journeys apply <dir>, or install one from the catalog',
    );
  });

  it('creates, then says unchanged, then shows what an edit changes', () => {
    const dir = folder('mine', {
      'cart.yaml': readCatalogText('abandoned-cart.yaml'),
      'welcome.json': welcome('1d', 'live'),
    });
    const first = godwit('apply', dir);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stdout, 'created    abandoned-cart (v1, draft)\ncreated    welcome (v1, live)\n');
    const second = godwit('apply', dir);
    assert.equal(second.stdout, 'unchanged  abandoned-cart (v1, draft)\nunchanged  welcome (v1, live)\n');

    writeFileSync(join(dir, 'welcome.json'), welcome('2d', 'live'));
    const dry = godwit('apply', dir, '--dry-run');
    assert.match(dry.stdout, /updated {4}welcome \(v1 → v2\)/);
    assert.match(dry.stdout, /nothing was changed/);
    const third = godwit('apply', dir);
    assert.match(third.stdout, /unchanged {2}abandoned-cart/);
    assert.match(
      third.stdout,
      /updated {4}welcome \(v1 → v2\)\n {4}@@ .* @@\n(.*\n)* {4}- {4}duration: 1d\n {4}\+ {4}duration: 2d/,
    );
    assert.match(godwit('list').stdout, /welcome +live +v2 +\d{4}-\d\d-\d\d \d\d:\d\d +Welcome/);
  });

  it('exports files that apply as unchanged', () => {
    const out = join(root, 'exported');
    const exported = godwit('export', out);
    assert.equal(exported.status, 0, exported.stderr);
    assert.deepEqual(readdirSync(out).sort(), ['abandoned-cart.yaml', 'welcome.yaml']);
    assert.doesNotMatch(readFileSync(join(out, 'welcome.yaml'), 'utf8'), /^version:/m);
    const again = godwit('apply', out);
    assert.equal(again.stdout, 'unchanged  abandoned-cart (v1, draft)\nunchanged  welcome (v2, live)\n');
  });

  it('applies an export into a new workspace as it was, a paused journey paused', async () => {
    await t.godwit.journeys.setStatus(t.workspaceId, 'welcome', 'paused');
    const out = join(root, 'exported-paused');
    assert.equal(godwit('export', out).status, 0);
    const { workspaceId } = await t.godwit.workspaces.createWorkspace('Fresh');
    const applied = godwit('apply', out, '--workspace', workspaceId);
    assert.equal(applied.status, 0, applied.stderr);
    assert.equal(applied.stdout, 'created    abandoned-cart (v1, draft)\ncreated    welcome (v1, paused)\n');
    assert.match(godwit('list', '--workspace', workspaceId).stdout, /welcome +paused +v1/);
  });

  it('installs from the catalog and says what is missing', () => {
    const run = godwit('install', 'lead-nurturing', '--status', 'live');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /installed lead-nurturing \(v1, draft\)/);
    assert.match(run.stdout, /warning: the workspace has not sent these events yet: /);
    assert.match(run.stdout, /installed as a draft rather than live/);
    const twice = godwit('install', 'lead-nurturing');
    assert.equal(twice.status, 1);
    assert.match(twice.stderr, /already exists/);
    assert.match(godwit('install', 'x', '--status', 'paused').stderr, /--status must be one of draft, live$/m);
  });
});
