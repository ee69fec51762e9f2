import type pg from 'pg';
import { partitionOf } from '../bus/bus.ts';
import { CRASH_JOURNEY_ID, CRASH_SEND_NODES, type CrashCounts } from '../journeys/runtime/test-crash-run.ts';
import { RELAY_CURSOR } from './bus-relay.ts';
import { JOURNEY_GROUP } from './partitioned-journeys.ts';

/** Progress while the drill settles: cheap counts read straight from PostgreSQL. */
export interface SettleCounts {
  runsFinished: number;
  timers: number;
  /** Outbox entries not yet delivered (pending or being sent). */
  undelivered: number;
  /** Events not yet published to the bus. */
  relayLag: number;
}

const sendNodes = CRASH_SEND_NODES.map((n) => `'${n}'`).join(', ');

export async function settleCounts(db: pg.Pool): Promise<SettleCounts> {
  const { rows } = await db.query(
    `select (select count(*) from journey_runs where journey_id = $1 and status = 'finished') as runs,
            (select count(*) from journey_timers) as timers,
            (select count(*) from outbox where status in ('pending', 'sending')) as undelivered,
            (select count(*) from events where seq > coalesce((select position from cursors where name = $2), 0)) as lag`,
    [CRASH_JOURNEY_ID, RELAY_CURSOR],
  );
  const row = rows[0] as Record<string, string>;
  return {
    runsFinished: Number(row.runs),
    timers: Number(row.timers),
    undelivered: Number(row.undelivered),
    relayLag: Number(row.lag),
  };
}

/**
 * The crash drill's counts (`CrashCounts`, judged by the same `problemsOf`), read from the
 * cluster's PostgreSQL database. `journeyCursorLag` counts events beyond their partition's cursor.
 */
export async function countDrill(
  db: pg.Pool,
  o: {
    customers: number;
    acked: ReadonlySet<string>;
    ackedMessages: readonly string[];
    cutOff: number;
    partitions: number;
  },
): Promise<CrashCounts> {
  const one = async (sql: string, params: unknown[] = []) =>
    Number(Object.values((await db.query(sql, params)).rows[0] ?? { n: 0 })[0] ?? 0);
  const journey = CRASH_JOURNEY_ID;
  const stored = new Set((await db.query('select message_id from events')).rows.map((r) => r.message_id as string));
  const runsByUser = new Map<string, number>();
  const { rows } = await db.query(
    `select i.value as user_id, count(r.id) as runs
       from identities i left join journey_runs r on r.customer_id = i.customer_id and r.journey_id = $1
      where i.kind = 'user_id' group by i.value`,
    [journey],
  );
  for (const row of rows) runsByUser.set(row.user_id, Number(row.runs));
  let acknowledgedWithoutProfile = 0;
  let lostRuns = 0;
  for (const user of o.acked) {
    const runs = runsByUser.get(user);
    if (runs === undefined) acknowledgedWithoutProfile += 1;
    else if (runs === 0) lostRuns += 1;
  }
  const counted = (kind: string) =>
    one(
      `select coalesce(sum(count), 0) from journey_node_counts where journey_id = $1 and node_id = '' and kind = $2`,
      [journey, kind],
    );
  return {
    customers: o.customers,
    acknowledgedCustomers: o.acked.size,
    requestsCutOff: o.cutOff,
    acknowledgedEventsLost: o.ackedMessages.filter((m) => !stored.has(m)).length,
    customersWithSignedUp: await one(
      `select count(distinct customer_id) from events where event = 'Signed Up' and customer_id is not null`,
    ),
    acknowledgedWithoutProfile,
    runs: await one('select count(*) from journey_runs where journey_id = $1', [journey]),
    lostRuns,
    customersWithSeveralRuns: await one(
      'select count(*) from (select customer_id from journey_runs where journey_id = $1 group by customer_id having count(*) > 1) x',
      [journey],
    ),
    runsCompleted: await one(
      `select count(*) from journey_runs where journey_id = $1 and status = 'finished' and outcome = 'completed'`,
      [journey],
    ),
    runsFinishedOtherwise: await one(
      `select count(*) from journey_runs where journey_id = $1 and status = 'finished' and outcome is distinct from 'completed'`,
      [journey],
    ),
    runsNotFinished: await one(`select count(*) from journey_runs where journey_id = $1 and status <> 'finished'`, [
      journey,
    ]),
    outboxRows: await one('select count(*) from outbox'),
    outboxDistinctKeys: await one('select count(*) from (select distinct workspace_id, idempotency_key from outbox) x'),
    outboxKeysMalformed: await one(
      `select count(*) from outbox where run_id is null or idempotency_key <> run_id || ':' || node_id || ':1'`,
    ),
    runsWithoutThreeSends: await one(
      `select count(*) from journey_runs r
         left join (select run_id, count(*) as n, count(distinct node_id) as nodes from outbox
                     where node_id in (${sendNodes}) group by run_id) o on o.run_id = r.id
        where r.journey_id = $1 and (o.n is null or o.n <> 3 or o.nodes <> 3)`,
      [journey],
    ),
    duplicateSends: await one(
      'select coalesce(sum(n - 1), 0) from (select count(*) as n from outbox group by customer_id, node_id having count(*) > 1) x',
    ),
    outboxPending: await one(`select count(*) from outbox where status = 'pending'`),
    outboxSuppressed: await one(`select count(*) from outbox where status = 'suppressed'`),
    timersLeft: await one('select count(*) from journey_timers'),
    countedStarted: await counted('started'),
    countedCompleted: await counted('completed'),
    journeyCursorLag: await partitionLag(db, o.partitions),
  };
}

/** Events with a customer whose partition's journey cursor has not reached them. */
async function partitionLag(db: pg.Pool, partitions: number): Promise<number> {
  const cursors = new Map<string, number>();
  const { rows } = await db.query(`select name, position from cursors where name like $1`, [`${JOURNEY_GROUP}:p%`]);
  for (const row of rows) cursors.set(row.name, Number(row.position));
  const events = await db.query('select customer_id, seq from events where customer_id is not null');
  return events.rows.filter(
    (e) => Number(e.seq) > (cursors.get(`${JOURNEY_GROUP}:p${partitionOf(e.customer_id, partitions)}`) ?? 0),
  ).length;
}
