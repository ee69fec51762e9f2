import BetterSqlite3 from 'better-sqlite3';
import { type JourneyDefinition, parseJourney } from '../../src/journeys/journey-schema.ts';
import { step } from '../../src/journeys/journey-step.ts';
import { seededRandom } from '../../src/journeys/seeded-random.ts';
import { runToRow, timerToRow } from '../../src/storage/journey-rows.ts';
import { sqliteFile } from '../../src/storage/open-store.ts';

/** A journey whose runs wait one minute, then send and exit: each due timer costs one send. */
export const TIMER_JOURNEY = {
  id: 'bench_timers',
  name: 'Bench: one wait, one send',
  trigger: { type: 'api' },
  entry: { policy: 'every_time', allowConcurrent: true },
  start: 'pause',
  nodes: {
    pause: { type: 'wait', duration: '1m', next: 'hello' },
    hello: { type: 'send', template: 'hello', channel: 'email', next: 'done' },
    done: { type: 'exit' },
  },
} as const;

/**
 * The same first wait, then a wait of 30 days: a due timer moves its run on to its next wait (an
 * onboarding check-in's day 30 → day 60), the timer machinery's own cost without a send.
 */
export const TIMER_TO_WAIT_JOURNEY = {
  ...TIMER_JOURNEY,
  id: 'bench_timers_wait',
  name: 'Bench: one wait, then another',
  nodes: {
    pause: { ...TIMER_JOURNEY.nodes.pause, next: 'later' },
    later: { type: 'wait', duration: '30d', next: 'done' },
    done: TIMER_JOURNEY.nodes.done,
  },
} as const;

const WAIT_MS = 60_000;

/**
 * Writes `count` customers, each with one run of `journey` (TIMER_JOURNEY unless told) parked at its first wait, straight into
 * a stopped server's database. Run i's timer is due at `dueAt(i)`; its trigger carries that time
 * as `due`, so lateness can be read from the outbox afterwards. States come from the real stepper.
 */
export function writeTimerFixture(options: {
  dataDir: string;
  count: number;
  dueAt: (i: number) => number;
  journey?: typeof TIMER_JOURNEY | typeof TIMER_TO_WAIT_JOURNEY;
}): void {
  const journey = options.journey ?? TIMER_JOURNEY;
  const parsed = parseJourney({ ...journey, status: 'live', version: 1 });
  if (!parsed.ok) throw new Error(`${journey.id} is invalid`);
  const definition: JourneyDefinition = parsed.journey;
  const db = new BetterSqlite3(sqliteFile(options.dataDir));
  db.pragma('journal_mode = WAL');
  const workspaceId = String(db.prepare('select id from workspaces limit 1').pluck().get());
  const insertCustomer = db.prepare(
    `insert into customers (id, workspace_id, traits, trait_times, consent, timezone, locale, created_at, updated_at)
     values (?, ?, ?, '{}', '{}', null, null, ?, ?)`,
  );
  const insertIdentity = db.prepare(
    `insert into identities (workspace_id, value, kind, customer_id, created_at) values (?, ?, 'email', ?, ?)`,
  );
  const insertRun = db.prepare(
    `insert into journey_runs (id, workspace_id, journey_id, version, customer_id, status, outcome, node_id, started_at, updated_at, state, path)
     values (@id, @workspace_id, @journey_id, @version, @customer_id, @status, @outcome, @node_id, @started_at, @updated_at, @state, @path)`,
  );
  const insertTimer = db.prepare(
    `insert into journey_timers (id, workspace_id, run_id, customer_id, due_at) values (@id, @workspace_id, @run_id, @customer_id, @due_at)`,
  );
  const write = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const customerId = `bench-c-${String(i).padStart(8, '0')}`;
      const email = `timer${i}@example.com`;
      const due = options.dueAt(i);
      const started = due - WAIT_MS;
      insertCustomer.run(customerId, workspaceId, JSON.stringify({ email }), started, started);
      insertIdentity.run(workspaceId, email, customerId, started);
      const runId = `bench-r-${String(i).padStart(8, '0')}`;
      const result = step({
        definition,
        state: null,
        input: {
          type: 'start',
          runId,
          customer: { id: customerId, traits: { email }, timezone: null },
          trigger: { event: null, properties: { due }, timestamp: started },
        },
        now: started,
        random: seededRandom(i),
      });
      const waiting = result.state.waiting;
      if (!waiting) throw new Error('the fixture run should wait');
      insertRun.run(runToRow({ workspaceId, state: result.state, path: [] }));
      insertTimer.run(timerToRow({ timerId: waiting.timerId, workspaceId, runId, customerId, dueAt: waiting.dueAt }));
    }
  });
  for (let from = 0; from < options.count; from += 10_000) write(from, Math.min(options.count, from + 10_000));
  // The runtime keeps "waiting at node" as a running count; the fixture's runs wait at `pause`.
  db.prepare(
    `insert into journey_node_counts (workspace_id, journey_id, version, node_id, kind, branch, count)
     values (?, ?, 1, 'pause', 'waiting', '', ?)`,
  ).run(workspaceId, journey.id, options.count);
  db.close();
}
