import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createTestPostgresDatabase } from '../src/storage/test-databases.ts';
import { postBatches } from './lib/http-load.ts';
import { RawInsert, type StoreKind } from './lib/raw-insert.ts';
import { fmtInt, fmtMb, fmtRate, fmtRatio, fmtSec, intFlag, log, median, printTable, type Row } from './lib/report.ts';
import { type BatchBody, generateBatches } from './lib/segment-messages.ts';
import { type ServerProcess, startServer, waitForProfiles } from './lib/server-process.ts';

/** The issue's targets. */
const TARGETS = { sqlite: 50_000, postgres: 20_000, ratioSqlite: 0.5 };

interface Settings {
  store: StoreKind;
  events: number;
  warmup: number;
  rounds: number;
  batch: number;
  connections: number;
  users: number;
  cpuProf: string | undefined;
  rate: number | undefined;
}

function settingsOf(argv: string[]): Settings {
  const { values } = parseArgs({
    args: argv,
    options: {
      store: { type: 'string', default: 'sqlite' },
      events: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      batch: { type: 'string' },
      connections: { type: 'string' },
      users: { type: 'string' },
      'cpu-prof': { type: 'string' },
      rate: { type: 'string' },
    },
  });
  if (values.store !== 'sqlite' && values.store !== 'postgres') throw new Error('--store must be sqlite or postgres');
  const events = intFlag(values.events, 300_000, 'events');
  return {
    store: values.store,
    events,
    warmup: intFlag(values.warmup, Math.min(50_000, events), 'warmup'),
    rounds: intFlag(values.rounds, 5, 'rounds'),
    batch: intFlag(values.batch, 500, 'batch'),
    connections: intFlag(values.connections, 8, 'connections'),
    users: intFlag(values.users, 5_000, 'users'),
    cpuProf: values['cpu-prof'],
    rate: values.rate === undefined ? undefined : intFlag(values.rate, 0, 'rate'),
  };
}

/** Round 0 is the warm-up; each round has its own seed, so its message ids are new. */
function batchesFor(s: Settings, round: number): BatchBody[] {
  const count = round === 0 ? s.warmup : s.events;
  return generateBatches({ seed: 1000 + round, count, batchSize: s.batch, users: s.users });
}

const serialise = (batches: BatchBody[]) => batches.map((b) => Buffer.from(JSON.stringify(b)));

async function rawRates(s: Settings): Promise<number[]> {
  const raw = await RawInsert.open(s.store);
  try {
    const rates: number[] = [];
    for (let round = 0; round <= s.rounds; round++) {
      const rows = raw.rowsOf(batchesFor(s, round));
      const ms = await raw.append(rows);
      const count = rows.reduce((n, r) => n + r.length, 0);
      if (round > 0) rates.push((count / ms) * 1000);
      log(
        `  raw ${round === 0 ? 'warm-up' : `round ${round}`}: ${fmtInt(count)} rows in ${fmtSec(ms)} = ${fmtRate((count / ms) * 1000)}`,
      );
    }
    return rates;
  } finally {
    await raw.close();
  }
}

interface HttpResult {
  rates: number[];
  lagAtStop: number[];
  catchUpMs: number[];
  peakRss: number;
  stored: number;
  logged: string;
}

async function httpRates(s: Settings): Promise<HttpResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'godwit-bench-'));
  const database = s.store === 'postgres' ? await createTestPostgresDatabase() : undefined;
  const nodeArgs = s.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${s.cpuProf}`] : [];
  let server: ServerProcess | undefined;
  try {
    server = await startServer({ dataDir, databaseUrl: database?.url, nodeArgs });
    log(`  server pid ${server.pid} on ${server.url} (${s.store}${database ? '' : `, ${dataDir}`})`);
    const result: HttpResult = { rates: [], lagAtStop: [], catchUpMs: [], peakRss: 0, stored: 0, logged: '' };
    for (let round = 0; round <= s.rounds; round++) {
      const bodies = serialise(batchesFor(s, round));
      const count = round === 0 ? s.warmup : s.events;
      const offered = s.rate ? { eventsPerSecond: s.rate, eventsPerBody: s.batch } : undefined;
      const { ms } = await postBatches({
        url: server.url,
        writeKey: server.writeKey,
        bodies,
        connections: s.connections,
        rate: offered,
      });
      const lag = await server.metric('godwit_profile_lag_events');
      const catchUp = await waitForProfiles(server);
      const rate = (count / ms) * 1000;
      if (round > 0) {
        result.rates.push(rate);
        result.lagAtStop.push(lag);
        result.catchUpMs.push(catchUp);
      }
      const name = round === 0 ? 'warm-up' : `round ${round}`;
      log(
        `  http ${name}: ${fmtInt(count)} events in ${fmtSec(ms)} = ${fmtRate(rate)}; profiles ${fmtInt(lag)} behind, caught up in ${fmtSec(catchUp)}`,
      );
    }
    result.stored = await storedEvents(server);
    result.peakRss = await server.stop();
    result.logged = server.logged();
    server = undefined;
    return result;
  } finally {
    await server?.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function storedEvents(server: ServerProcess): Promise<number> {
  const response = await fetch(`${server.url}/v1/workspace`, {
    headers: { authorization: `Bearer ${server.secretKey}` },
  });
  return ((await response.json()) as { events: number }).events;
}

export async function run(argv: string[]): Promise<void> {
  const s = settingsOf(argv);
  const label = s.store === 'sqlite' ? 'embedded SQLite' : 'PostgreSQL';
  log(
    `ingest on ${label}: ${fmtInt(s.warmup)} warm-up + ${s.rounds} × ${fmtInt(s.events)} events, batches of ${s.batch}, ` +
      `${s.connections} connections, ${fmtInt(s.users)} users`,
  );
  const raw = await rawRates(s);
  const http = await httpRates(s);
  const expected = s.warmup + s.rounds * s.events;
  if (http.stored !== expected) throw new Error(`the server stored ${http.stored} events, expected ${expected}`);

  const httpMedian = median(http.rates);
  const rawMedian = median(raw);
  const ratio = httpMedian / rawMedian;
  const target = s.store === 'sqlite' ? TARGETS.sqlite : TARGETS.postgres;
  const rounds = (values: number[], f: (n: number) => string) => `rounds: ${values.map(f).join(', ')}`;
  const rows: Row[] = [
    {
      what: 'HTTP POST /v1/batch',
      value: fmtRate(httpMedian),
      target: { met: httpMedian >= target, text: `>= ${fmtInt(target)}/s` },
      detail: rounds(http.rates, fmtInt),
    },
    {
      what: `raw ${s.store === 'sqlite' ? 'SQLite' : 'PostgreSQL'} insert`,
      value: fmtRate(rawMedian),
      detail: rounds(raw, fmtInt),
    },
    {
      what: 'HTTP / raw',
      value: fmtRatio(ratio),
      target:
        s.store === 'sqlite' ? { met: ratio >= TARGETS.ratioSqlite, text: `>= ${TARGETS.ratioSqlite}` } : undefined,
    },
    {
      what: 'profile lag when load stops',
      value: fmtInt(median(http.lagAtStop)),
      detail: rounds(http.lagAtStop, fmtInt),
    },
    {
      what: 'profile catch-up after load',
      value: fmtSec(median(http.catchUpMs)),
      detail: rounds(http.catchUpMs, fmtSec),
    },
    { what: 'server peak RSS (VmHWM)', value: fmtMb(http.peakRss), detail: `${fmtInt(expected)} events stored` },
  ];
  printTable(`ingest — ${label}, medians of ${s.rounds} rounds × ${fmtInt(s.events)} events`, rows);
  if (http.logged) log(`the server logged:\n${http.logged.slice(0, 4000)}`);
}
