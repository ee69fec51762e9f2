import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { emailTemplate } from '../src/cluster/cluster-drill.ts';
import { sqliteFile } from '../src/storage/open-store.ts';
import { postBatches } from './lib/http-load.ts';
import {
  createDefinition,
  DatabaseProbe,
  enteredCount,
  installJourney,
  percentile,
  waitForQuiet,
  waitUntil,
} from './lib/journey-bench-kit.ts';
import { fmtInt, fmtRate, fmtSec, intFlag, log, printTable, type Row } from './lib/report.ts';
import { type ServerProcess, startServer, waitForProfiles } from './lib/server-process.ts';
import { TIMER_JOURNEY, TIMER_TO_WAIT_JOURNEY, writeTimerFixture } from './lib/timer-fixture.ts';

/** The targets. */
const TARGETS = {
  entering: 10_000,
  latencyP99Ms: 100,
  segmentP99Ms: 1_000,
  timersPerSecond: 20_000,
  latenessP99Ms: 1_000,
};

/** Customers enter `upgraded` with their first `Plan Upgraded`; entering starts a run that sends at once. */
const UPGRADED_SEGMENT = {
  id: 'upgraded',
  name: 'Upgraded in the last 30 days',
  rule: { event: 'Plan Upgraded', within: '30d', op: 'gte', value: 1 },
};
const SEGMENT_JOURNEY = {
  id: 'bench_segment',
  name: 'Bench: welcome on entering a segment',
  trigger: { type: 'segment', segment: 'upgraded', on: 'entered' },
  entry: { policy: 'once' },
  start: 'hello',
  nodes: {
    hello: { type: 'send', template: 'upgraded', channel: 'email', next: 'done' },
    done: { type: 'exit' },
  },
};

/** Every event starts a run whose first node sends: event in → decision → message in the outbox. */
export const SEND_JOURNEY = {
  id: 'bench_send',
  name: 'Bench: a receipt for every order',
  // A receipt is transactional: the default policy's marketing caps (1 a day) would hold nine in ten.
  category: 'transactional',
  trigger: { event: 'Order Completed' },
  entry: { policy: 'every_time', allowConcurrent: true },
  start: 'hello',
  nodes: {
    hello: { type: 'send', template: 'thanks', channel: 'email', next: 'done' },
    done: { type: 'exit' },
  },
};

interface Settings {
  events: number;
  users: number;
  rate: number;
  seconds: number;
  segmentRate: number;
  timers: number;
  parts: Set<string>;
  /** A directory for the server's CPU profile (node --cpu-prof). */
  cpuProf: string | undefined;
}

function settingsOf(argv: string[]): Settings {
  const { values } = parseArgs({
    args: argv,
    options: {
      events: { type: 'string' },
      users: { type: 'string' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      'segment-rate': { type: 'string' },
      timers: { type: 'string' },
      part: { type: 'string', default: 'entering,latency,segment,timers,timers-wait' },
      'cpu-prof': { type: 'string' },
    },
  });
  return {
    events: intFlag(values.events, 200_000, 'events'),
    users: intFlag(values.users, 20_000, 'users'),
    rate: intFlag(values.rate, 2_000, 'rate'),
    seconds: intFlag(values.seconds, 30, 'seconds'),
    segmentRate: intFlag(values['segment-rate'], 200, 'segment-rate'),
    timers: intFlag(values.timers, 1_000_000, 'timers'),
    parts: new Set(values.part.split(',')),
    cpuProf: values['cpu-prof'],
  };
}

const orderBody = (s: { users: number }, from: number, count: number, properties: Record<string, unknown>) => {
  const batch = Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return {
      type: 'track',
      userId: `user-${i % s.users}`,
      messageId: `order-${properties.phase}-${i}`,
      event: 'Order Completed',
      properties: { total: 100 + (i % 50), ...properties },
    };
  });
  return Buffer.from(JSON.stringify({ batch }));
};

function profilerArgs(s: Settings): string[] {
  return s.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${s.cpuProf}`] : [];
}

async function withServer<T>(s: Settings, work: (server: ServerProcess, dataDir: string) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'godwit-bench-journeys-'));
  const server = await startServer({ dataDir, nodeArgs: profilerArgs(s) });
  try {
    return await work(server, dataDir);
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Customers with an email, so every send has an address. */
async function identifyUsers(server: ServerProcess, users: number): Promise<void> {
  const bodies: Buffer[] = [];
  for (let from = 0; from < users; from += 500) {
    const batch = Array.from({ length: Math.min(500, users - from) }, (_, k) => ({
      type: 'identify',
      userId: `user-${from + k}`,
      messageId: `identify-${from + k}`,
      traits: { email: `user-${from + k}@example.com` },
    }));
    bodies.push(Buffer.from(JSON.stringify({ batch })));
  }
  await postBatches({ url: server.url, writeKey: server.writeKey, bodies, connections: 4 });
  await waitForProfiles(server);
}

async function entering(s: Settings, server: ServerProcess): Promise<Row[]> {
  const bodies: Buffer[] = [];
  for (let from = 0; from < s.events; from += 500) {
    bodies.push(orderBody(s, from, Math.min(500, s.events - from), { phase: 'entering' }));
  }
  log(`  entering: ${fmtInt(s.events)} orders over HTTP as fast as they are acknowledged…`);
  const start = Date.now();
  const { ms } = await postBatches({ url: server.url, writeKey: server.writeKey, bodies, connections: 8 });
  const done = await waitUntil(() => enteredCount(server, 'bench_send', 'hello'), s.events);
  const rate = (s.events / (done - start)) * 1000;
  log(`  entering: acknowledged in ${fmtSec(ms)}, all in the outbox after ${fmtSec(done - start)}`);
  return [
    {
      what: 'events entering a journey → outbox',
      value: fmtRate(rate),
      target: { met: rate >= TARGETS.entering, text: `≥ ${fmtInt(TARGETS.entering)}/s` },
      detail: `${fmtInt(s.events)} events, first POST to last outbox entry; HTTP acks alone ${fmtRate((s.events / ms) * 1000)}`,
    },
  ];
}

async function latency(s: Settings, server: ServerProcess, probe: DatabaseProbe): Promise<Row[]> {
  const perBody = 20;
  const total = s.rate * s.seconds;
  const bodies: Buffer[] = [];
  for (let from = 0; from < total; from += perBody) {
    bodies.push(orderBody(s, from, perBody, { phase: 'latency', body: from / perBody }));
  }
  const acked = new Array<number>(bodies.length).fill(0);
  const before = await enteredCount(server, 'bench_send', 'hello');
  log(`  latency: ${fmtInt(s.rate)} events/s for ${s.seconds} s in requests of ${perBody}…`);
  await postBatches({
    url: server.url,
    writeKey: server.writeKey,
    bodies,
    connections: 16,
    rate: { eventsPerSecond: s.rate, eventsPerBody: perBody },
    onAck: (index, at) => {
      acked[index] = at;
    },
  });
  await waitUntil(() => enteredCount(server, 'bench_send', 'hello'), before + total);
  const phase = `json_extract(payload, '$.trigger.properties.phase') = 'latency'`;
  const rows = probe.all<{ created_at: number; body: number }>(
    `select created_at, json_extract(payload, '$.trigger.properties.body') as body from outbox where ${phase}`,
  );
  const latencies = rows.map((r) => r.created_at - (acked[r.body] as number));
  const p99 = percentile(latencies, 0.99);
  return [
    {
      what: `HTTP 200 → outbox at ${fmtInt(s.rate)}/s, p99`,
      value: `${fmtInt(p99)} ms`,
      target: { met: p99 < TARGETS.latencyP99Ms, text: `< ${TARGETS.latencyP99Ms} ms` },
      detail: `p50 ${fmtInt(percentile(latencies, 0.5))} ms, max ${fmtInt(Math.max(...latencies))} ms over ${fmtInt(latencies.length)} messages`,
    },
  ];
}

/**
 * New customers (identify, then `Plan Upgraded`, in one request) at `--segment-rate`/s for
 * `--seconds`: each upgrade puts its customer in the segment, which starts the journey, whose first
 * node sends. Latency = the send's created_at − the 200 of the request that carried the upgrade.
 */
async function segmentEntry(s: Settings, server: ServerProcess, probe: DatabaseProbe): Promise<Row[]> {
  const perBody = 10;
  const total = s.segmentRate * s.seconds;
  const bodies: Buffer[] = [];
  for (let from = 0; from < total; from += perBody) {
    const batch = Array.from({ length: perBody }, (_, k) => {
      const userId = `upgrader-${from + k}`;
      return [
        { type: 'identify', userId, messageId: `up-id-${from + k}`, traits: { email: `${userId}@example.com` } },
        {
          type: 'track',
          userId,
          messageId: `up-${from + k}`,
          event: 'Plan Upgraded',
          properties: { plan: 'pro', body: from / perBody },
        },
      ];
    }).flat();
    bodies.push(Buffer.from(JSON.stringify({ batch })));
  }
  const acked = new Array<number>(bodies.length).fill(0);
  log(`  segment: ${fmtInt(s.segmentRate)} upgrades/s for ${s.seconds} s, each entering the segment…`);
  await postBatches({
    url: server.url,
    writeKey: server.writeKey,
    bodies,
    connections: 8,
    rate: { eventsPerSecond: s.segmentRate, eventsPerBody: perBody },
    onAck: (index, at) => {
      acked[index] = at;
    },
  });
  await waitUntil(() => enteredCount(server, 'bench_segment', 'hello'), total);
  // The upgrade that caused the entry is the run's trigger's origin: find it by customer.
  const rows = probe.all<{ created_at: number; user: string }>(
    `select o.created_at, i.value as user from outbox o join identities i on i.customer_id = o.customer_id and i.kind = 'user_id'
     where o.journey_id = 'bench_segment'`,
  );
  const latencies = rows.map((r) => r.created_at - (acked[Math.floor(Number(r.user.slice(9)) / perBody)] as number));
  const p99 = percentile(latencies, 0.99);
  return [
    {
      what: `event → segment entered → journey send, p99`,
      value: `${fmtInt(p99)} ms`,
      target: { met: p99 < TARGETS.segmentP99Ms, text: `< ${fmtInt(TARGETS.segmentP99Ms)} ms` },
      detail: `p50 ${fmtInt(percentile(latencies, 0.5))} ms, max ${fmtInt(Math.max(...latencies))} ms over ${fmtInt(latencies.length)} customers at ${fmtInt(s.segmentRate)}/s`,
    },
  ];
}

/**
 * A fresh store with `s.timers` runs of `journey` parked at their first wait, `dueAt(i)` giving run
 * i's due time, served by a running server: `use` gets it and its start time.
 */
async function withTimerServer<T>(
  s: Settings,
  journey: typeof TIMER_JOURNEY | typeof TIMER_TO_WAIT_JOURNEY,
  dueAt: (i: number) => number,
  use: (server: ServerProcess, dataDir: string, startedAt: number) => Promise<T>,
): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'godwit-bench-timers-'));
  try {
    const first = await startServer({ dataDir });
    await createDefinition(first, '/v1/templates', emailTemplate('hello'));
    await installJourney(first, journey);
    await first.stop();
    log(`  ${journey.id}: writing ${fmtInt(s.timers)} waiting runs with their timers…`);
    const written = Date.now();
    writeTimerFixture({ dataDir, count: s.timers, dueAt, journey });
    log(`  ${journey.id}: fixture written in ${fmtSec(Date.now() - written)}`);
    const server = await startServer({ dataDir, keys: first, nodeArgs: profilerArgs(s) });
    try {
      return await use(server, dataDir, Date.now());
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The backlog's row. The rate is taken from the first firing to the last: a run's `updated_at` is its
 * batch's start, so between the first batch's start and the last one's every batch but the last fired.
 * From the restart (which adds the journey thread's start-up) is in the detail.
 */
function backlogRow(
  what: string,
  probe: DatabaseProbe,
  counts: { burst: number; pending: number },
  times: { startedAt: number; done: number },
  detail: string,
  /** The rate the row is held to; none for a row that only informs. */
  target?: number,
): Row {
  const { burst, pending } = counts;
  const { startedAt, done } = times;
  // Fired runs only: the fixture's waiting runs were last updated before 1970 or after 2096.
  const fired = `from journey_runs where updated_at > 0 and updated_at <= ${done}`;
  const [batches] = probe.all<{ first: number; last: number; n: number; inLast: number }>(
    `select min(updated_at) as first, max(updated_at) as last, count(*) as n,
       sum(updated_at = (select max(updated_at) ${fired})) as inLast ${fired}`,
  );
  if (!batches || batches.n !== burst) throw new Error(`expected ${burst} fired runs, found ${batches?.n}`);
  const fireRate = ((batches.n - batches.inLast) / (batches.last - batches.first)) * 1000;
  return {
    what,
    value: fmtRate(fireRate),
    target: target === undefined ? undefined : { met: fireRate >= target, text: `≥ ${fmtInt(target)}/s` },
    detail: `${fmtInt(burst)} overdue of ${fmtInt(pending)} pending; ${detail}; from the restart ${fmtRate((burst / (done - startedAt)) * 1000)} (first fired ${fmtInt(batches.first - startedAt)} ms after it answered)`,
  };
}

async function timers(s: Settings): Promise<Row[]> {
  const { burst, spread, dueAt } = backlogThenSpread(s);
  const spreadMs = 20_000;
  return withTimerServer(s, TIMER_JOURNEY, dueAt, async (server, dataDir, startedAt) => {
    const probe = new DatabaseProbe(dataDir);
    try {
      const fired = () => enteredCount(server, TIMER_JOURNEY.id, 'hello');
      const burstDone = await waitUntil(fired, burst);
      log(`  timers: ${fmtInt(burst)} overdue timers fired in ${fmtSec(burstDone - startedAt)}`);
      const dueTime = comeDue(dataDir, 'timers', spread, spreadMs);
      await waitUntil(fired, burst + spread);
      // The outbox entry is stamped just before its batch commits.
      const lateness = probe
        .all<{ late: number }>(
          `select created_at - ${dueTime('due')} as late
           from (select created_at, json_extract(payload, '$.trigger.properties.due') as due from outbox)
           where due >= ${SPREAD_PLACEHOLDER} and due < ${FAR_FUTURE}`,
        )
        .map((r) => r.late);
      return [
        backlogRow(
          'due timers fired, each sends (backlog)',
          probe,
          { burst, pending: s.timers },
          { startedAt, done: burstDone },
          // A send per timer: what bounds it is the send path (decision, outbox, delivery beside
          // it), whose own figure is entering's; the timer figure is timers-wait's.
          'each resumes a run that sends',
        ),
        latenessRow(`timer lateness at ${fmtRate(spread / (spreadMs / 1000))} due, each sends, p99`, lateness, probe),
      ];
    } finally {
      probe.close();
    }
  });
}

/**
 * The timer machinery without a send: each due timer moves its run on to a 30-day wait. The
 * backlog fires first; then timers come due at the target rate and their lateness is measured.
 */
async function timersToWait(s: Settings): Promise<Row[]> {
  const { burst, spread, dueAt } = backlogThenSpread(s);
  const spreadMs = (spread / TARGETS.timersPerSecond) * 1000;
  return withTimerServer(s, TIMER_TO_WAIT_JOURNEY, dueAt, async (server, dataDir, startedAt) => {
    const probe = new DatabaseProbe(dataDir);
    try {
      const fired = () => enteredCount(server, TIMER_TO_WAIT_JOURNEY.id, 'later');
      const done = await waitUntil(fired, burst);
      log(`  timers-wait: ${fmtInt(burst)} overdue timers fired in ${fmtSec(done - startedAt)}`);
      const backlog = backlogRow(
        'due timers fired (backlog)',
        probe,
        { burst, pending: s.timers },
        { startedAt, done },
        'each moves its run to a 30-day wait',
        TARGETS.timersPerSecond,
      );
      const dueTime = comeDue(dataDir, 'timers-wait', spread, spreadMs);
      const spreadDone = await waitUntil(fired, burst + spread);
      // A run's updated_at is its batch's start; the batch has committed by the next one's start
      // (or by the moment the last was seen), so that is when it counts as fired: an upper bound.
      const lateness = probe
        .all<{ late: number }>(
          `with fired as (
             select updated_at, json_extract(state, '$.trigger.properties.due') as due from journey_runs
             where updated_at > ${done} and updated_at <= ${spreadDone}),
           batches as (
             select updated_at, lead(updated_at, 1, ${spreadDone}) over (order by updated_at) as committed_by
             from (select distinct updated_at from fired))
           select committed_by - ${dueTime('due')} as late
           from fired join batches using (updated_at)
           where due >= ${SPREAD_PLACEHOLDER} and due < ${FAR_FUTURE}`,
        )
        .map((r) => r.late);
      const lateRow = latenessRow(`timer lateness at ${fmtRate(spread / (spreadMs / 1000))} due, p99`, lateness, probe);
      return [backlog, lateRow];
    } finally {
      probe.close();
    }
  });
}

/**
 * Due times for a timers part: a fifth of the runs are overdue (the backlog); another fifth wait
 * far ahead until `comeDue` moves them to just after the backlog (lateness while a backlog drains
 * is the backlog's); the rest stay pending in the far future.
 */
function backlogThenSpread(s: Settings) {
  const burst = Math.round(s.timers * 0.2);
  const spread = Math.round(s.timers * 0.2);
  // The spread set's placeholder due times are their order; comeDue scales them to real times.
  const dueAt = (i: number) => (i < burst ? 0 : i < burst + spread ? SPREAD_PLACEHOLDER + (i - burst) : FAR_FUTURE);
  return { burst, spread, dueAt };
}

/**
 * Moves the spread set's timers, while the server runs, to come due evenly over `spreadMs` from 2 s
 * on. Their runs keep the placeholder as `due` in the trigger: `dueTime` turns it into an SQL
 * expression for when each came due.
 */
function comeDue(dataDir: string, part: string, spread: number, spreadMs: number) {
  const base = Date.now() + 2_000;
  const dueTime = (placeholder: string) =>
    `(${base} + (${placeholder} - ${SPREAD_PLACEHOLDER}) * ${spreadMs / spread})`;
  const db = new BetterSqlite3(sqliteFile(dataDir));
  db.pragma('busy_timeout = 10000');
  db.prepare(
    `update journey_timers set due_at = cast(round(${dueTime('due_at')}) as integer) where due_at >= ${SPREAD_PLACEHOLDER} and due_at < ${FAR_FUTURE}`,
  ).run();
  db.close();
  log(`  ${part}: ${fmtInt(spread)} more coming due at ${fmtRate(spread / (spreadMs / 1000))} from 2 s on…`);
  return dueTime;
}

function latenessRow(what: string, lateness: number[], probe: DatabaseProbe): Row {
  const p99 = percentile(lateness, 0.99);
  const pending = probe.count('select count(*) from journey_timers');
  return {
    what,
    value: `${fmtInt(p99)} ms`,
    target: { met: p99 < TARGETS.latenessP99Ms, text: `< ${fmtInt(TARGETS.latenessP99Ms)} ms` },
    detail: `p50 ${fmtInt(percentile(lateness, 0.5))} ms over ${fmtInt(lateness.length)}; ${fmtInt(pending)} timers pending after`,
  };
}

/** Where the spread set's due times wait (in 2096) until it is moved; the rest wait later still. */
const SPREAD_PLACEHOLDER = 4e12;
const FAR_FUTURE = 5e12;

export async function run(argv: string[]): Promise<void> {
  const s = settingsOf(argv);
  const rows: Row[] = [];
  if (s.parts.has('entering') || s.parts.has('latency') || s.parts.has('segment')) {
    await withServer(s, async (server, dataDir) => {
      // Real templates, so delivery renders and records each message as it would, beside the journeys.
      for (const id of ['thanks', 'upgraded']) await createDefinition(server, '/v1/templates', emailTemplate(id));
      await installJourney(server, SEND_JOURNEY);
      await createDefinition(server, '/v1/segments', UPGRADED_SEGMENT);
      await installJourney(server, SEGMENT_JOURNEY);
      await identifyUsers(server, s.users);
      const probe = new DatabaseProbe(dataDir);
      try {
        if (s.parts.has('entering')) rows.push(...(await entering(s, server)));
        const quiet = async () =>
          log(`  (waited ${fmtSec(await waitForQuiet(server))} for delivery and profiles to drain)`);
        if (s.parts.has('latency')) {
          await quiet();
          rows.push(...(await latency(s, server, probe)));
        }
        if (s.parts.has('segment')) {
          await quiet();
          rows.push(...(await segmentEntry(s, server, probe)));
        }
      } finally {
        probe.close();
      }
    });
  }
  if (s.parts.has('timers')) rows.push(...(await timers(s)));
  if (s.parts.has('timers-wait')) rows.push(...(await timersToWait(s)));
  printTable('journeys (embedded SQLite, one server process)', rows);
}
