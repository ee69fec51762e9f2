import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Store } from './store.ts';
import { storeAdapters as adapters } from './test-store-adapters.ts';

const user = (id: string, workspaceId: string, email: string) => ({
  id,
  workspaceId,
  email,
  passwordHash: `hash-${id}`,
  role: 'admin',
  createdAt: 1_000,
});

for (const adapter of adapters) {
  describe(`account store contract (${adapter.name})`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    before(async () => {
      ({ store, dispose } = await adapter.open());
      await store.createWorkspace({ id: 'w1', name: 'One', createdAt: 1_000 });
      await store.createWorkspace({ id: 'w2', name: 'Two', createdAt: 1_000 });
      await store.insertUser(user('u1', 'w1', 'ada@example.com'));
      await store.insertUser(user('u2', 'w2', 'ada@example.com'));
      await store.insertUser(user('u3', 'w1', 'bob@example.com'));
    });
    after(async () => {
      await store.close();
      await dispose();
    });

    it('finds accounts by email across workspaces, lists a team, and keeps a language per account', async () => {
      assert.deepEqual((await store.accounts.usersByEmail('ada@example.com')).map((u) => u.id).sort(), ['u1', 'u2']);
      assert.deepEqual(
        (await store.accounts.listUsers('w1')).map((u) => u.email),
        ['ada@example.com', 'bob@example.com'],
      );
      assert.equal((await store.accounts.getUser('u1'))?.locale, null);
      await store.accounts.setUserLocale('u1', 'zh-CN');
      assert.equal((await store.accounts.getUser('u1'))?.locale, 'zh-CN');
      assert.equal((await store.findUser('w2', 'ada@example.com'))?.locale, null, 'the other account keeps its own');
    });

    it('finds a session until it expires or is deleted', async () => {
      const session = {
        tokenHash: 't1',
        csrfHash: 'c1',
        userId: 'u1',
        workspaceId: 'w1',
        createdAt: 1_000,
        expiresAt: 5_000,
      };
      await store.accounts.createSession(session);
      assert.deepEqual(await store.accounts.findSession('t1', 4_999), session);
      assert.equal(await store.accounts.findSession('t1', 5_000), undefined, 'expired');
      await store.accounts.deleteSession('t1');
      assert.equal(await store.accounts.findSession('t1', 1_000), undefined, 'signed out');

      await store.accounts.createSession({ ...session, tokenHash: 't2', expiresAt: 6_000 });
      await store.accounts.createSession({ ...session, tokenHash: 't3', expiresAt: 9_000 });
      assert.equal(await store.accounts.deleteExpiredSessions(6_000), 1);
      assert.equal((await store.accounts.findSession('t3', 6_000))?.tokenHash, 't3');
    });

    it("sets a new password and ends that account's sessions, not another's", async () => {
      const session = { csrfHash: 'c', workspaceId: 'w1', createdAt: 1_000, expiresAt: 9_000 };
      await store.accounts.createSession({ ...session, tokenHash: 'bob-1', userId: 'u3' });
      await store.accounts.createSession({ ...session, tokenHash: 'ada-1', userId: 'u1' });
      await store.accounts.setUserPassword('u3', 'hash-new');
      assert.equal((await store.accounts.getUser('u3'))?.passwordHash, 'hash-new');
      assert.equal((await store.accounts.getUser('u1'))?.passwordHash, 'hash-u1');
      assert.equal(await store.accounts.findSession('bob-1', 1_000), undefined, 'signed out');
      assert.equal((await store.accounts.findSession('ada-1', 1_000))?.userId, 'u1');
    });
  });
}
