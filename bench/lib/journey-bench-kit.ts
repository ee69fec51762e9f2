import BetterSqlite3 from 'better-sqlite3';
import { sqliteFile } from '../../src/storage/open-store.ts';
import type { ServerProcess } from './server-process.ts';
import { sleep } from './server-process.ts';

/** Shared pieces of the journey benchmarks: installing a journey, reading the outbox, percentiles. */

/** Creates a definition through the admin API (`/v1/journeys`, `/v1/segments`), expecting 201. */
export async function createDefinition(server: ServerProcess, path: string, definition: Record<string, unknown>) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(definition),
  });
  if (response.status !== 201) {
    throw new Error(`POST ${path} ${definition.id}: ${response.status} ${await response.text()}`);
  }
}

export function installJourney(server: ServerProcess, definition: Record<string, unknown>): Promise<void> {
  return createDefinition(server, '/v1/journeys', { status: 'live', ...definition });
}

/** Reads the server's database file read-only (WAL readers never block the server). */
export class DatabaseProbe {
  private readonly db: BetterSqlite3.Database;

  constructor(dataDir: string) {
    this.db = new BetterSqlite3(sqliteFile(dataDir), { readonly: true, fileMustExist: true });
  }

  count(sql: string): number {
    return Number(this.db.prepare(sql).pluck().get());
  }

  all<T>(sql: string): T[] {
    return this.db.prepare(sql).all() as T[];
  }

  close(): void {
    this.db.close();
  }
}

/** How many runs of a journey have passed a node, from the journey's counts (cheap to read while it runs). */
export async function enteredCount(server: ServerProcess, journeyId: string, nodeId: string): Promise<number> {
  const response = await fetch(`${server.url}/v1/journeys/${journeyId}/stats`, {
    headers: { authorization: `Bearer ${server.secretKey}` },
  });
  if (!response.ok) throw new Error(`stats of ${journeyId}: ${response.status} ${await response.text()}`);
  const stats = (await response.json()) as { nodes: Record<string, { entered: number }> };
  return stats.nodes[nodeId]?.entered ?? 0;
}

/**
 * Polls `read` every 200 ms until it reaches `target`; resolves with the wall-clock time it did.
 * Polls are cheap reads, so the probe takes little from the server it measures.
 */
export async function waitUntil(read: () => Promise<number>, target: number, timeoutMs = 30 * 60_000): Promise<number> {
  const start = Date.now();
  for (;;) {
    const n = await read();
    if (n >= target) return Date.now();
    if (Date.now() - start > timeoutMs) throw new Error(`timed out at ${n} of ${target}`);
    await sleep(200);
  }
}

/**
 * Waits until the server is quiet: no outbox entry waiting for delivery and no profile lag, so one
 * part's delivery backlog (and the timeline events it appends) does not run into the next part.
 */
export async function waitForQuiet(server: ServerProcess): Promise<number> {
  const start = Date.now();
  const busy = async () => {
    const response = await fetch(`${server.url}/v1/messages/stats`, {
      headers: { authorization: `Bearer ${server.secretKey}` },
    });
    const { statuses } = (await response.json()) as { statuses: Record<string, number> };
    return (statuses.pending ?? 0) + (statuses.sending ?? 0) + (await server.metric('godwit_profile_lag_events'));
  };
  for (let stillBusy = await busy(); stillBusy > 0; stillBusy = await busy()) await sleep(200);
  return Date.now() - start;
}

/** The value below which `p` of the sorted values fall (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank] as number;
}
