import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { freePort, type ServerProcess, startServerProcess } from '../../app/test-processes.ts';
import { seededRandom } from '../seeded-random.ts';

/**
 * The journey crash drill shared by `journey-crash.test.ts` and `npm run bench -- journeys-crash`:
 * a real server process on an embedded SQLite data directory, a live five-node journey
 * (send → wait → send → wait → send, then exit), N customers signing up over POST /v1/batch, and
 * SIGKILL at seeded random points of the work while ingestion and the journey run, each followed by
 * a restart on the same directory. When everything has settled the server is stopped cleanly and
 * the outcome is counted from the database file, not assumed.
 */

export const CRASH_JOURNEY_ID = 'crash-welcome';
export const CRASH_SEND_NODES = ['send_1', 'send_2', 'send_3'] as const;

export function crashJourney(wait: string): Record<string, unknown> {
  const send = (n: number, next: string) => ({ type: 'send', template: `welcome-${n}`, channel: 'email', next });
  return {
    id: CRASH_JOURNEY_ID,
    name: 'Crash drill welcome',
    status: 'live',
    // Three sends seconds apart: transactional, so the default policy's marketing caps do not hold them back.
    category: 'transactional',
    trigger: { event: 'Signed Up' },
    entry: { policy: 'once' },
    start: 'send_1',
    nodes: {
      send_1: send(1, 'wait_1'),
      wait_1: { type: 'wait', duration: wait, next: 'send_2' },
      send_2: send(2, 'wait_2'),
      wait_2: { type: 'wait', duration: wait, next: 'send_3' },
      send_3: send(3, 'end'),
      end: { type: 'exit' },
    },
  };
}

export interface CrashRunOptions {
  customers: number;
  kills: number;
  seed: number;
  /** Customers per POST /v1/batch (two messages each: identify with email, `Signed Up`). */
  batchCustomers?: number;
  /** Requests in flight at once. */
  connections?: number;
  /** Sign-ups per second offered (0: as fast as the server acknowledges), so ingestion overlaps the journey. */
  rate?: number;
  /** Each wait node's duration; short, so the real clock drives the timers. */
  wait?: string;
  /** Longest a server lives before it is killed, whatever the progress (ms). */
  maxUptimeMs?: number;
  /** Give up waiting for the journey to settle after this long without any change in the counts. */
  stallMs?: number;
  /** Hard limit for the whole drill. */
  timeoutMs?: number;
  /** Also log every change in the progress counts while waiting for a kill point. */
  trace?: boolean;
  /** Progress lines (stderr in the bench; nothing in the test). */
  log?: (line: string) => void;
}

export interface KillRecord {
  /** ms since the drill started. */
  atMs: number;
  /** How long the killed server had been up, in ms. */
  uptimeMs: number;
  /** Fraction of all work (acknowledged customers, runs, sends) done when it was killed. */
  progress: number;
  ackedCustomers: number;
  runs: number;
  sends: number;
  /** Runs started plus sends committed by the killed server: journey work it did before it died. */
  journeyWork: number;
  /** `ingesting` while sign-ups were still being sent, `journey` while runs were left to finish, else `finished`. */
  phase: 'ingesting' | 'journey' | 'finished';
}

export interface CrashCounts {
  customers: number;
  /** Customers whose batch (identify + Signed Up) got an HTTP 200. */
  acknowledgedCustomers: number;
  /** Requests broken off mid-flight by a kill (then retried with the same messageIds). */
  requestsCutOff: number;
  /** Acknowledged messageIds missing from the event log. */
  acknowledgedEventsLost: number;
  /** Distinct customers with a stored Signed Up event. */
  customersWithSignedUp: number;
  /** Acknowledged customers with no profile (their userId resolves to nobody). */
  acknowledgedWithoutProfile: number;
  runs: number;
  /** Acknowledged customers with no run of the journey. */
  lostRuns: number;
  /** Customers with more than one run of the journey. */
  customersWithSeveralRuns: number;
  runsCompleted: number;
  runsFinishedOtherwise: number;
  runsNotFinished: number;
  outboxRows: number;
  outboxDistinctKeys: number;
  /** Outbox rows whose key is not `runId:nodeId:1` of their own run and node. */
  outboxKeysMalformed: number;
  /** Runs with other than one outbox row per send node. */
  runsWithoutThreeSends: number;
  /** Extra rows beyond one per (customer, send node): a customer sent the same step twice. */
  duplicateSends: number;
  outboxPending: number;
  outboxSuppressed: number;
  timersLeft: number;
  /** The journey's own counters (node counts committed with each batch). */
  countedStarted: number;
  countedCompleted: number;
  /** Events the journey runtime had not read when the drill ended (besides delivery's own timeline events). */
  journeyCursorLag: number;
}

export interface CrashRunReport {
  options: Required<Omit<CrashRunOptions, 'log'>>;
  counts: CrashCounts;
  kills: KillRecord[];
  /** Whether the counts settled (all runs finished, no timers) rather than stalled or timed out. */
  settled: boolean;
  /** ms from the first start to the clean stop. */
  wallMs: number;
  /** ms from the last restart until the counts settled. */
  settleMs: number;
  /** Every violated expectation, in words; empty when the drill passed. */
  problems: string[];
  /** What the servers printed at warn level or above (trimmed). */
  serverLogs: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runJourneyCrash(input: CrashRunOptions): Promise<CrashRunReport> {
  const options: Required<Omit<CrashRunOptions, 'log'>> = {
    batchCustomers: 250,
    connections: 4,
    rate: 0,
    maxUptimeMs: 8_000,
    trace: false,
    wait: '2s',
    stallMs: 30_000,
    timeoutMs: 30 * 60_000,
    ...input,
  };
  const log = input.log ?? (() => {});
  const random = seededRandom(options.seed);
  const dataDir = mkdtempSync(join(tmpdir(), 'godwit-journey-crash-'));
  const env = { dataDir };
  const port = await freePort();
  const started = performance.now();
  const deadline = started + options.timeoutMs;
  let server: ServerProcess | undefined;
  let db: Database.Database | undefined;
  let logs = '';
  const keepLogs = (s: ServerProcess) => {
    const printed = s.stdout().split('Press Ctrl+C to stop.').slice(1).join('').trim() + s.stderr().trim();
    if (printed) logs = `${logs}${printed}\n`.slice(-20_000);
  };
  try {
    server = await startServerProcess(env, { port, timeoutMs: 60_000 });
    const keys = server.firstStart;
    if (!keys) throw new Error(`the first start printed no keys:\n${server.stdout()}`);
    await installJourney(server.url, keys.secretKey, options.wait);
    db = new Database(join(dataDir, 'godwit.db'), { readonly: true, fileMustExist: true });
    const probe = progressProbe(db);

    const load = startLoad({ url: server.url, writeKey: keys.writeKey, ...options });
    const totalWork = options.customers * (2 + CRASH_SEND_NODES.length);
    const progress = () => {
      const { runs, sends } = probe();
      return { runs, sends, acked: load.acked, fraction: (load.acked + runs + sends) / totalWork };
    };
    // Kill points: sorted fractions of all the work, each reached only after the restarted server did something.
    const targets = Array.from({ length: options.kills }, () => 0.01 + random() * 0.84).sort((a, b) => a - b);
    const kills: KillRecord[] = [];
    let upSince = performance.now();
    for (const target of targets) {
      const before = progress();
      const atRestart = before.fraction;
      // A server lives until the work passes the next target, or for a random uptime if that comes first
      // (commits are coarse: a small drill's last tenth of the work can be one batch of timers).
      const maxUptime = 500 + random() * (options.maxUptimeMs - 500);
      let jitter = 0;
      for (let lastChange = performance.now(), last = atRestart; ; ) {
        const now = progress();
        if (now.fraction >= target && now.fraction > atRestart) {
          // A random moment after the crossing, so kills do not all land just after a commit.
          jitter = random() * 500;
          break;
        }
        if (performance.now() - upSince >= maxUptime) break;
        if (now.fraction !== last) {
          [last, lastChange] = [now.fraction, performance.now()];
          if (options.trace) log(`    ${Math.round(performance.now() - started)} ms ${JSON.stringify(now)}`);
        }
        if (performance.now() - lastChange > options.stallMs || performance.now() > deadline) break;
        await sleep(20);
      }
      await sleep(jitter);
      const at = progress();
      server.child.kill('SIGKILL');
      const exit = await server.exited;
      if (exit.signal !== 'SIGKILL') throw new Error(`the server exited by itself (${JSON.stringify(exit)})`);
      keepLogs(server);
      kills.push({
        atMs: Math.round(performance.now() - started),
        uptimeMs: Math.round(performance.now() - upSince),
        progress: at.fraction,
        ackedCustomers: at.acked,
        runs: at.runs,
        sends: at.sends,
        journeyWork: at.runs + at.sends - before.runs - before.sends,
        phase: !load.done ? 'ingesting' : at.fraction < 1 ? 'journey' : 'finished',
      });
      log(
        `  kill ${kills.length}/${options.kills} at ${(at.fraction * 100).toFixed(1)}% ` +
          `(${at.acked} acknowledged, ${at.runs} runs, ${at.sends} sends)`,
      );
      server = await startServerProcess(env, { port, timeoutMs: 60_000 });
      upSince = performance.now();
    }
    await load.finished;
    log(`  all ${load.acked} customers acknowledged; waiting for the journey to settle`);

    const settleStart = performance.now();
    let settled = false;
    for (let lastChange = performance.now(), last = ''; ; ) {
      const now = settleProbe(db, server.child.pid ?? 0);
      // Settled: every message is out and the journey runtime has read the whole log.
      const quiet = now.timers === 0 && now.undelivered === 0 && now.lag === 0;
      if (now.finished >= load.acked && now.runs >= load.acked && quiet) {
        settled = true;
        break;
      }
      const key = JSON.stringify(now);
      if (key !== last) [last, lastChange] = [key, performance.now()];
      if (performance.now() - lastChange > options.stallMs || performance.now() > deadline) break;
      await sleep(100);
    }
    const settleMs = performance.now() - settleStart;
    const exit = await server.stop('SIGTERM');
    keepLogs(server);
    if (exit.code !== 0) logs += `the last server exited with ${JSON.stringify(exit)} on SIGTERM\n`;
    const wallMs = performance.now() - started;

    const counts = countOutcome(db, options, load);
    const problems = problemsOf(counts, settled);
    if (counts.journeyCursorLag > 0) problems.push(`unread events: ${JSON.stringify(unreadEvents(db))}`);
    if (exit.code !== 0) problems.push(`the server did not stop cleanly on SIGTERM: ${JSON.stringify(exit)}`);
    return { options, counts, kills, settled, wallMs, settleMs, problems, serverLogs: logs.trim() };
  } finally {
    db?.close();
    if (server) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function installJourney(url: string, secretKey: string, wait: string): Promise<void> {
  const post = (path: string, definition: unknown) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secretKey}` },
      body: JSON.stringify(definition),
    });
  // A journey goes live only once the templates it sends exist.
  for (const id of ['welcome-1', 'welcome-2', 'welcome-3']) {
    const template = await post('/v1/templates', {
      id,
      name: id,
      channels: { email: { subject: id, html: `<p>${id}</p>` } },
    });
    if (template.status !== 201)
      throw new Error(`POST /v1/templates answered ${template.status}: ${await template.text()}`);
  }
  const response = await post('/v1/journeys', crashJourney(wait));
  const body = (await response.json()) as { journey?: { status?: string } };
  if (response.status !== 201 || body.journey?.status !== 'live') {
    throw new Error(`POST /v1/journeys answered ${response.status}: ${JSON.stringify(body)}`);
  }
}

const userIdOf = (i: number) => `crash-${i}`;
const messageIdsOf = (i: number) => [`crash-${i}-identify`, `crash-${i}-signed-up`];

interface Load {
  readonly acked: number;
  readonly done: boolean;
  readonly cutOff: number;
  readonly ackedBatches: ReadonlySet<number>;
  readonly finished: Promise<void>;
}

/**
 * Sends every customer's identify and Signed Up like an SDK with retries: a batch is resent with the
 * same messageIds until it gets a 200, through kills and restarts (the port stays the same).
 */
function startLoad(o: {
  url: string;
  writeKey: string;
  customers: number;
  batchCustomers: number;
  connections: number;
  rate: number;
}): Load {
  const auth = `Basic ${Buffer.from(`${o.writeKey}:`).toString('base64')}`;
  const batches = Math.ceil(o.customers / o.batchCustomers);
  const ackedBatches = new Set<number>();
  const state = { acked: 0, done: false, cutOff: 0 };
  let next = 0;
  const loadStart = performance.now();
  const body = (b: number) => {
    const batch: unknown[] = [];
    for (let i = b * o.batchCustomers; i < Math.min(o.customers, (b + 1) * o.batchCustomers); i += 1) {
      const [identify, signedUp] = messageIdsOf(i);
      batch.push(
        { type: 'identify', messageId: identify, userId: userIdOf(i), traits: { email: `${userIdOf(i)}@example.com` } },
        { type: 'track', messageId: signedUp, userId: userIdOf(i), event: 'Signed Up', properties: { plan: 'free' } },
      );
    }
    return { text: JSON.stringify({ batch }), customers: batch.length / 2 };
  };
  const worker = async () => {
    for (let b = next++; b < batches; b = next++) {
      const { text, customers } = body(b);
      if (o.rate > 0) await sleep(loadStart + (b * o.batchCustomers * 1000) / o.rate - performance.now());
      for (;;) {
        try {
          const response = await fetch(`${o.url}/v1/batch`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: auth },
            body: text,
            signal: AbortSignal.timeout(60_000),
          });
          const answer = await response.text();
          if (response.status === 200) break;
          if (response.status < 500) throw new Error(`POST /v1/batch answered ${response.status}: ${answer}`);
        } catch (error) {
          if ((error as Error).message.startsWith('POST /v1/batch')) throw error;
          // Refused: the server is down or starting. Anything else: the kill cut the request off.
          if ((error as { cause?: { code?: string } }).cause?.code !== 'ECONNREFUSED') state.cutOff += 1;
        }
        await sleep(100);
      }
      ackedBatches.add(b);
      state.acked += customers;
    }
  };
  const finished = Promise.all(Array.from({ length: o.connections }, worker)).then(() => {
    state.done = true;
  });
  // A failing load rejects `finished`; until someone awaits it, keep Node from calling it unhandled.
  finished.catch(() => {});
  return {
    get acked() {
      return state.acked;
    },
    get done() {
      return state.done;
    },
    get cutOff() {
      return state.cutOff;
    },
    ackedBatches,
    finished,
  };
}

/**
 * Progress from the journey's own counters (a few rows, committed with each batch), so polling costs the
 * server next to nothing; the final count reads the rows themselves.
 */
function progressProbe(db: Database.Database): () => { runs: number; sends: number } {
  const sendNodes = CRASH_SEND_NODES.map((n) => `'${n}'`).join(', ');
  const statement = db.prepare(
    `select coalesce(sum(case when node_id = '' and kind = 'started' then count end), 0) as runs,
            coalesce(sum(case when node_id in (${sendNodes}) and kind = 'entered' then count end), 0) as sends
       from journey_node_counts where journey_id = ?`,
  );
  return () => {
    const row = statement.get(CRASH_JOURNEY_ID) as { runs: number; sends: number };
    return { runs: Number(row.runs), sends: Number(row.sends) };
  };
}

interface SettleCounts {
  runs: number;
  finished: number;
  entered: number;
  timers: number;
  /**
   * Outbox entries waiting for delivery or in flight on the live server. Entries a killed server had
   * claimed stay `sending` until their claim lease (2 minutes) runs out, so they are not waited for.
   */
  undelivered: number;
  /** Events the journey runtime has not read yet. */
  lag: number;
}

/** What the journey runtime had not read at the end, by type and name. */
function unreadEvents(db: Database.Database): unknown[] {
  return db
    .prepare(
      `select type, event, count(*) as n from events
        where seq > (select coalesce(max(position), 0) from cursors where name = 'journeys') group by 1, 2`,
    )
    .all();
}

function settleProbe(db: Database.Database, livePid: number): SettleCounts {
  return db
    .prepare(
      `select coalesce(sum(case when node_id = '' and kind = 'started' then count end), 0) as runs,
              coalesce(sum(case when node_id = '' and kind in ('completed', 'converted', 'exited', 'errored')
                                then count end), 0) as finished,
              coalesce(sum(case when node_id <> '' and kind = 'entered' then count end), 0) as entered,
              (select count(*) from journey_timers) as timers,
              (select count(*) from outbox where status = 'pending'
                 or (status = 'sending' and claimed_by like '%:' || @pid || ':%')) as undelivered,
              (select coalesce(max(seq), 0) from events)
                - (select coalesce(max(position), 0) from cursors where name = 'journeys') as lag
         from journey_node_counts where journey_id = @journey`,
    )
    .get({ journey: CRASH_JOURNEY_ID, pid: livePid }) as SettleCounts;
}

function countOutcome(
  db: Database.Database,
  { customers, batchCustomers }: { customers: number; batchCustomers: number },
  load: Pick<Load, 'acked' | 'cutOff' | 'ackedBatches'>,
): CrashCounts {
  const one = (sql: string, ...params: unknown[]) =>
    Number(
      db
        .prepare(sql)
        .pluck()
        .get(...params) ?? 0,
    );
  const journey = CRASH_JOURNEY_ID;

  const ackedUsers = new Set<string>();
  const ackedMessages: string[] = [];
  for (const b of load.ackedBatches) {
    for (let i = b * batchCustomers; i < Math.min(customers, (b + 1) * batchCustomers); i += 1) {
      ackedUsers.add(userIdOf(i));
      ackedMessages.push(...messageIdsOf(i));
    }
  }
  const stored = new Set(db.prepare('select message_id from events').pluck().all() as string[]);
  const acknowledgedEventsLost = ackedMessages.filter((m) => !stored.has(m)).length;

  const runsByUser = new Map<string, number>();
  const rows = db
    .prepare(
      `select i.value as userId, count(r.id) as runs
         from identities i left join journey_runs r on r.customer_id = i.customer_id and r.journey_id = ?
        where i.kind = 'user_id' group by i.value`,
    )
    .all(journey) as { userId: string; runs: number }[];
  for (const row of rows) runsByUser.set(row.userId, Number(row.runs));
  let acknowledgedWithoutProfile = 0;
  let lostRuns = 0;
  for (const user of ackedUsers) {
    const runs = runsByUser.get(user);
    if (runs === undefined) acknowledgedWithoutProfile += 1;
    else if (runs === 0) lostRuns += 1;
  }

  const counted = (kind: string) =>
    one(
      `select coalesce(sum(count), 0) from journey_node_counts where journey_id = ? and node_id = '' and kind = ?`,
      journey,
      kind,
    );
  const sendNodes = CRASH_SEND_NODES.map((n) => `'${n}'`).join(', ');
  return {
    customers,
    acknowledgedCustomers: ackedUsers.size,
    requestsCutOff: load.cutOff,
    acknowledgedEventsLost,
    customersWithSignedUp: one(
      `select count(distinct customer_id) from events where event = 'Signed Up' and customer_id is not null`,
    ),
    acknowledgedWithoutProfile,
    runs: one('select count(*) from journey_runs where journey_id = ?', journey),
    lostRuns,
    customersWithSeveralRuns: one(
      'select count(*) from (select customer_id from journey_runs where journey_id = ? group by customer_id having count(*) > 1)',
      journey,
    ),
    runsCompleted: one(
      `select count(*) from journey_runs where journey_id = ? and status = 'finished' and outcome = 'completed'`,
      journey,
    ),
    runsFinishedOtherwise: one(
      `select count(*) from journey_runs where journey_id = ? and status = 'finished' and outcome is not 'completed'`,
      journey,
    ),
    runsNotFinished: one(`select count(*) from journey_runs where journey_id = ? and status <> 'finished'`, journey),
    outboxRows: one('select count(*) from outbox'),
    outboxDistinctKeys: one('select count(*) from (select distinct workspace_id, idempotency_key from outbox)'),
    outboxKeysMalformed: one(
      `select count(*) from outbox where run_id is null or idempotency_key <> run_id || ':' || node_id || ':1'`,
    ),
    runsWithoutThreeSends: one(
      `select count(*) from journey_runs r
         left join (select run_id, count(*) as n, count(distinct node_id) as nodes from outbox
                     where node_id in (${sendNodes}) group by run_id) o on o.run_id = r.id
        where r.journey_id = ? and (o.n is null or o.n <> 3 or o.nodes <> 3)`,
      journey,
    ),
    duplicateSends: one(
      'select coalesce(sum(n - 1), 0) from (select count(*) as n from outbox group by customer_id, node_id having n > 1)',
    ),
    outboxPending: one(`select count(*) from outbox where status = 'pending'`),
    outboxSuppressed: one(`select count(*) from outbox where status = 'suppressed'`),
    timersLeft: one('select count(*) from journey_timers'),
    countedStarted: counted('started'),
    countedCompleted: counted('completed'),
    journeyCursorLag: one(
      `select count(*) from events where seq > (select coalesce(max(position), 0) from cursors where name = 'journeys')`,
    ),
  };
}

/** Every expectation of the drill that the counts break, in words. */
export function problemsOf(c: CrashCounts, settled: boolean): string[] {
  const out: string[] = [];
  const expect = (ok: boolean, text: string) => {
    if (!ok) out.push(text);
  };
  expect(settled, 'the journey did not settle (runs still waiting or timers left when the counts stopped moving)');
  expect(
    c.acknowledgedCustomers === c.customers,
    `${c.acknowledgedCustomers} of ${c.customers} customers acknowledged`,
  );
  expect(c.acknowledgedEventsLost === 0, `${c.acknowledgedEventsLost} acknowledged events lost`);
  expect(c.acknowledgedWithoutProfile === 0, `${c.acknowledgedWithoutProfile} acknowledged customers have no profile`);
  expect(
    c.customersWithSignedUp === c.acknowledgedCustomers,
    `${c.customersWithSignedUp} customers with Signed Up stored, ${c.acknowledgedCustomers} acknowledged`,
  );
  expect(c.lostRuns === 0, `${c.lostRuns} lost runs (acknowledged customers without a run)`);
  expect(c.customersWithSeveralRuns === 0, `${c.customersWithSeveralRuns} customers with more than one run`);
  expect(c.runs === c.acknowledgedCustomers, `${c.runs} runs for ${c.acknowledgedCustomers} customers`);
  expect(
    c.runsCompleted === c.acknowledgedCustomers,
    `${c.runsCompleted} runs completed of ${c.acknowledgedCustomers}`,
  );
  expect(c.runsFinishedOtherwise === 0, `${c.runsFinishedOtherwise} runs finished other than completed`);
  expect(c.runsNotFinished === 0, `${c.runsNotFinished} runs not finished`);
  expect(c.outboxRows === 3 * c.runs, `${c.outboxRows} outbox rows for ${c.runs} runs (3 each expected)`);
  expect(c.outboxDistinctKeys === c.outboxRows, `${c.outboxRows - c.outboxDistinctKeys} repeated idempotency keys`);
  expect(c.outboxKeysMalformed === 0, `${c.outboxKeysMalformed} outbox keys not runId:nodeId:1`);
  expect(c.runsWithoutThreeSends === 0, `${c.runsWithoutThreeSends} runs without exactly one row per send node`);
  expect(c.duplicateSends === 0, `${c.duplicateSends} duplicate sends (same customer, same send node)`);
  expect(c.timersLeft === 0, `${c.timersLeft} timers left`);
  expect(c.countedStarted === c.runs, `the journey counted ${c.countedStarted} starts for ${c.runs} runs`);
  expect(
    c.countedCompleted === c.runsCompleted,
    `the journey counted ${c.countedCompleted} completions for ${c.runsCompleted} completed runs`,
  );
  expect(c.journeyCursorLag === 0, `the journey runtime is ${c.journeyCursorLag} events behind`);
  return out;
}
