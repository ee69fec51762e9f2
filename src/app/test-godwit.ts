import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../shared/clock.ts';
import { type Config, parseConfig } from '../shared/config.ts';
import { createTestPostgresDatabase } from '../storage/test-databases.ts';
import { createGodwit, type Godwit } from './godwit.ts';

export interface TestGodwit {
  godwit: Godwit;
  url: string;
  workspaceId: string;
  writeKey: string;
  secretKey: string;
  /** The first admin's console sign-in. */
  adminEmail: string;
  adminPassword: string;
  dataDir: string;
  /** Waits until every committed event has been folded into profiles. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real Godwit on a free port with a fresh store: a temporary SQLite file, or with
 * `store: 'postgres'` a fresh database on the local server. The delivery worker runs only with
 * `deliver: true`, so other tests see the outbox (and the event log) as journeys left it.
 */
export async function startTestGodwit(
  options: { store?: 'sqlite' | 'postgres'; config?: Partial<Config>; clock?: Clock; deliver?: boolean } = {},
): Promise<TestGodwit> {
  const dataDir = mkdtempSync(join(tmpdir(), 'godwit-test-'));
  const database = options.store === 'postgres' ? await createTestPostgresDatabase() : undefined;
  const config = parseConfig({
    PORT: 0,
    GODWIT_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    // Tests drive the journey runtime from their own thread (processEvents, fireDueTimers).
    GODWIT_JOURNEY_THREAD: 'off',
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...options.config,
  } as Record<string, string | number>);
  const godwit = await createGodwit(config, { clock: options.clock });
  const first = await godwit.workspaces.ensureFirstWorkspace();
  if (!first) throw new Error('expected a fresh store');
  const url = await godwit.listen();
  if (!options.deliver) await godwit.delivery.worker.stop();
  return {
    godwit,
    url,
    workspaceId: first.workspaceId,
    writeKey: first.writeKey,
    secretKey: first.secretKey,
    adminEmail: first.adminEmail,
    adminPassword: first.adminPassword,
    dataDir,
    async settle() {
      const target = await godwit.store.lastEventSeq();
      while ((await godwit.processor.processAvailable()) > 0 || godwit.processor.position < target) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      await godwit.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
