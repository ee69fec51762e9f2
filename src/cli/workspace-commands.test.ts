import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestGodwit, type TestGodwit } from '../app/test-godwit.ts';
import { runCli } from '../app/test-processes.ts';
import { readCatalogText } from '../journeys/catalog/journey-catalog.ts';
import { findInAllTables, scanTargetOf } from '../storage/test-table-scan.ts';

describe('godwit workspaces|admin and --workspace (CLI, with the server running)', () => {
  let t: TestGodwit;
  const godwit = (...args: string[]) => runCli(args, { dataDir: t.dataDir });
  const signIn = (password: string) =>
    fetch(`${t.url}/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: t.adminEmail, password }),
    });
  before(async () => {
    t = await startTestGodwit();
  });
  after(() => t.close());

  it('refuses an unknown --workspace in one line, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'godwit-ghost-'));
    mkdirSync(join(dir, 'journeys'));
    writeFileSync(join(dir, 'journeys', 'cart.yaml'), readCatalogText('abandoned-cart.yaml'));
    writeFileSync(join(dir, 'customers.csv'), 'user_id,email\nc-1,ada@example.com\n');
    writeFileSync(join(dir, 'policy.yaml'), 'holdout: { percent: 5 }\n');
    // All go through one check (workspaceOf); these are the ones that read, write rows, or crashed on it.
    const commands = [
      ['journeys', 'list'],
      ['journeys', 'apply', join(dir, 'journeys')],
      ['keys', 'create', '--type', 'secret'],
      ['import', join(dir, 'customers.csv')],
      ['policy', 'apply', join(dir, 'policy.yaml')],
    ];
    for (const args of commands) {
      const run = await godwit(...args, '--workspace', 'ghost-ws');
      assert.equal(run.code, 1, `${args.join(' ')}: ${run.stderr}`);
      assert.equal(run.stderr, 'godwit: no workspace ghost-ws: `godwit workspaces list` shows them\n');
    }
    assert.deepEqual(await t.godwit.journeys.list('ghost-ws'), []);
    assert.equal(await t.godwit.store.countEvents('ghost-ws'), 0);
    assert.equal(await t.godwit.store.decisions.getPolicy('ghost-ws'), undefined, 'a policy was written');
    // Beside the port's view, every row of every table: a key (api_keys) or anything else naming ghost-ws.
    assert.deepEqual(await findInAllTables(scanTargetOf(t.godwit.config), ['ghost-ws']), []);
  });

  it('lists the workspaces with the ids --workspace takes', async () => {
    const run = await godwit('workspaces', 'list');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^${t.workspaceId} {2}\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d {2}Default\\n$`));
  });

  it('resets a lost admin password: the new one signs in, the old one no longer does', async () => {
    assert.equal((await signIn(t.adminPassword)).status, 200);
    const run = await godwit('admin', 'reset-password', t.adminEmail.toUpperCase());
    assert.equal(run.code, 0, run.stderr);
    const password = new RegExp(`^Admin sign-in: {2}${t.adminEmail} / (\\S+)\\n$`).exec(run.stdout)?.[1];
    assert.ok(password && password !== t.adminPassword, run.stdout);
    assert.equal((await signIn(t.adminPassword)).status, 401);
    assert.equal((await signIn(password)).status, 200);
    const unknown = await godwit('admin', 'reset-password', 'nobody@example.com');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^godwit: no admin nobody@example\.com in workspace /);
  });
});
