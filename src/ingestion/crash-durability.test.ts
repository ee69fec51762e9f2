import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type ServerProcess, type StoreEnv, startServerProcess } from '../app/test-processes.ts';
import { PROFILE_CURSOR } from '../profiles/profile-processor.ts';
import { waitFor } from '../shared/test-wait-for.ts';
import { PostgresStore } from '../storage/postgres/postgres-store.ts';
import { SqliteStore } from '../storage/sqlite/sqlite-store.ts';
import type { Store } from '../storage/store.ts';
import { createTestPostgresDatabase } from '../storage/test-databases.ts';

const WORKERS = 8;
const BATCH = 100;
const USERS = 20;
const LOAD_MS = 1200;

interface Load {
  acked: string[];
  /** Requests that were cut off by the kill (or failed otherwise) rather than answered. */
  cutOff: number;
  rejected: string[];
}

/** Keeps WORKERS batches in flight until the server dies, recording the messageIds of every 200. */
async function ingestUntilKilled(server: ServerProcess, writeKey: string): Promise<Load> {
  const load: Load = { acked: [], cutOff: 0, rejected: [] };
  const run = Date.now().toString(36);
  let next = 0;
  let stopped = false;
  let inFlight = 0;
  const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
  const worker = async () => {
    while (!stopped) {
      const b = next++;
      const batch = Array.from({ length: BATCH }, (_, i) => ({
        type: 'track',
        messageId: `crash-${run}-${b}-${i}`,
        userId: `crash-user-${(b * BATCH + i) % USERS}`,
        event: 'Load Tested',
        properties: { batch: b, index: i },
      }));
      inFlight += 1;
      try {
        const response = await fetch(`${server.url}/v1/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: auth },
          body: JSON.stringify({ batch }),
        });
        const text = await response.text();
        if (response.status === 200) load.acked.push(...batch.map((m) => m.messageId));
        else load.rejected.push(`${response.status} ${text}`);
      } catch (error) {
        // Refused connections were opened after the kill; only broken ones were cut off mid-flight.
        if ((error as { cause?: { code?: string } }).cause?.code !== 'ECONNREFUSED') load.cutOff += 1;
      } finally {
        inFlight -= 1;
      }
    }
  };
  const workers = Array.from({ length: WORKERS }, worker);
  await new Promise((resolve) => setTimeout(resolve, LOAD_MS));
  // Kill while every worker has a request open (a loaded machine can leave them between requests for a moment),
  // then let the workers wind down.
  for (let i = 0; i < 1000 && inFlight < WORKERS; i++) await new Promise((resolve) => setImmediate(resolve));
  server.child.kill('SIGKILL');
  stopped = true;
  const exit = await server.exited;
  await Promise.all(workers);
  assert.equal(exit.signal, 'SIGKILL');
  return load;
}

async function crashAndRecover(env: StoreEnv, openStore: () => Promise<Store>): Promise<void> {
  const first = await startServerProcess(env);
  let second: ServerProcess | undefined;
  let store: Store | undefined;
  try {
    assert.ok(first.firstStart, `first start printed no keys:\n${first.stdout()}`);
    const { writeKey, secretKey } = first.firstStart;
    const load = await ingestUntilKilled(first, writeKey);
    assert.deepEqual(load.rejected, []);
    assert.ok(load.acked.length >= 5 * BATCH, `only ${load.acked.length} events were acknowledged`);
    assert.ok(load.cutOff > 0, 'the kill did not interrupt any request');

    second = await startServerProcess(env);
    assert.equal(second.firstStart, undefined);
    assert.doesNotMatch(second.stdout(), /First start|Write key|Secret key/);

    store = await openStore();
    const [workspace, ...others] = await store.listWorkspaces();
    assert.ok(workspace);
    assert.equal(others.length, 0);
    const missing: string[] = [];
    for (const messageId of load.acked) {
      if (!(await store.hasEvent(workspace.id, messageId))) missing.push(messageId);
    }
    assert.deepEqual(missing.slice(0, 10), [], `${missing.length} acknowledged events were lost`);
    const stored = await store.countEvents(workspace.id);
    assert.ok(stored >= load.acked.length, `${stored} stored < ${load.acked.length} acknowledged`);

    // The restarted server's processor folds everything in, including what the killed one never reached.
    // It may first wait out the dead process's cursor lease (15 s), which nothing can release.
    const last = await store.lastEventSeq();
    await waitFor(
      'the profile processor to catch up',
      async () => ((await (store as Store).readCursor(PROFILE_CURSOR)) >= last ? true : undefined),
      25_000,
    );
    const events = await store.readEventsAfter(0, stored + 1);
    const customerOf = new Map(events.map((e) => [e.messageId, { userId: e.userId, customerId: e.customerId }]));
    const profileOfUser = new Map<string, string>();
    for (const messageId of load.acked) {
      const event = customerOf.get(messageId);
      assert.ok(event?.customerId && event.userId, `event ${messageId} is not linked to a customer`);
      const known = profileOfUser.get(event.userId) ?? event.customerId;
      assert.equal(event.customerId, known, `events of ${event.userId} are split across profiles`);
      profileOfUser.set(event.userId, known);
    }
    assert.equal(profileOfUser.size, USERS);
    for (const [userId, customerId] of profileOfUser) {
      const response: Response = await fetch(`${second.url}/v1/customers/${userId}?limit=1`, {
        headers: { authorization: `Bearer ${secretKey}` },
      });
      assert.equal(response.status, 200, userId);
      const body = (await response.json()) as { profile: { id: string }; timeline: { events: unknown[] } };
      assert.equal(body.profile.id, customerId);
      assert.equal(body.timeline.events.length, 1);
    }
    const exit = await second.stop('SIGTERM');
    assert.equal(exit.code, 0, second.stderr());
  } finally {
    await store?.close();
    first.child.kill('SIGKILL');
    second?.child.kill('SIGKILL');
    await Promise.all([first.exited, second?.exited]);
  }
}

// The cases run side by side: most of each is spent waiting out the dead server's cursor lease.
describe('crash durability: SIGKILL during ingestion loses no event that got a 200', { concurrency: true }, () => {
  it('on the embedded SQLite store', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'godwit-crash-'));
    try {
      await crashAndRecover({ dataDir }, () => SqliteStore.open(join(dataDir, 'godwit.db')));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('on PostgreSQL', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'godwit-crash-'));
    const database = await createTestPostgresDatabase();
    try {
      await crashAndRecover({ dataDir, databaseUrl: database.url }, () => PostgresStore.open(database.url));
    } finally {
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
