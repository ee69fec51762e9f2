import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqliteStore } from '../../storage/sqlite/sqlite-store.ts';
import { storeAdapters } from '../../storage/test-store-adapters.ts';
import { loadMasterKey, MASTER_KEY_FILE } from './master-key.ts';
import { SecretBox } from './secret-box.ts';
import { WorkspaceSecrets } from './workspace-secrets.ts';

const PLAINTEXT = 'twilio-auth-token-PLAINTEXT-0123456789';

describe('secret box', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, only with the same key and context', () => {
    const sealed = box.seal(PLAINTEXT, 'ws1/twilio');
    assert.match(sealed, /^gwsb1:/);
    assert.ok(!sealed.includes(PLAINTEXT));
    assert.notEqual(box.seal(PLAINTEXT, 'ws1/twilio'), sealed, 'a fresh iv each time');
    assert.equal(box.open(sealed, 'ws1/twilio'), PLAINTEXT);
    assert.throws(() => box.open(sealed, 'ws2/twilio'));
    assert.throws(() => new SecretBox(randomBytes(32)).open(sealed, 'ws1/twilio'));
    const tampered = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}${sealed.slice(-1)}`;
    assert.throws(() => box.open(tampered, 'ws1/twilio'));
  });

  it('generates the master key into the data dir once, private to the owner', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'godwit-key-'));
    try {
      const first = loadMasterKey({ dataDir: dir });
      assert.equal(first.length, 32);
      assert.deepEqual(loadMasterKey({ dataDir: dir }), first);
      assert.equal((await stat(join(dir, MASTER_KEY_FILE))).mode & 0o777, 0o600);
      const fromEnv = loadMasterKey({ dataDir: dir, fromEnv: 'ab'.repeat(32) });
      assert.deepEqual(fromEnv, Buffer.alloc(32, 0xab));
      assert.throws(() => loadMasterKey({ dataDir: dir, fromEnv: 'too-short' }), /32 bytes/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

for (const adapter of storeAdapters) {
  describe(`workspace secrets on ${adapter.name}`, () => {
    it('stores only ciphertext and reads the value back', async () => {
      const { store, dispose } = await adapter.open();
      try {
        const secrets = new WorkspaceSecrets(store.channels, new SecretBox(randomBytes(32)));
        await secrets.put('ws1', 'twilio', PLAINTEXT);
        const stored = await store.channels.getSecret('ws1', 'twilio');
        assert.ok(stored && !stored.includes(PLAINTEXT));
        assert.equal(await secrets.get('ws1', 'twilio'), PLAINTEXT);
        assert.equal(await secrets.get('ws2', 'twilio'), undefined);

        const webhook = await secrets.webhookSecret('ws1');
        assert.match(webhook, /^whsec_/);
        assert.equal(await secrets.webhookSecret('ws1'), webhook, 'created once');
        assert.notEqual(await secrets.webhookSecret('ws2'), webhook, 'one per workspace');
        const rotated = await secrets.rotateWebhookSecret('ws1');
        assert.notEqual(rotated, webhook);
        assert.equal(await secrets.webhookSecret('ws1'), rotated);
        assert.deepEqual(await secrets.names('ws1'), ['twilio', 'webhook_signing']);
      } finally {
        await store.close();
        await dispose();
      }
    });
  });
}

describe('the SQLite file', () => {
  it('never holds a secret in plaintext', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'godwit-secrets-'));
    try {
      const store = await SqliteStore.open(join(dir, 'godwit.db'));
      const secrets = new WorkspaceSecrets(store.channels, new SecretBox(randomBytes(32)));
      await secrets.put('ws1', 'smtp', PLAINTEXT);
      assert.equal(await secrets.get('ws1', 'smtp'), PLAINTEXT);
      const sealed = (await store.channels.getSecret('ws1', 'smtp')) ?? '';
      const files = await readdir(dir);
      const bytes = Buffer.concat(await Promise.all(files.map((f) => readFile(join(dir, f)))));
      assert.ok(bytes.includes(sealed), 'the row is in the files read');
      assert.ok(!bytes.includes(PLAINTEXT));
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
