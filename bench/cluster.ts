import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { emailTemplate, runClusterDrill } from '../src/cluster/cluster-drill.ts';
import { LocalCluster } from '../src/cluster/local-cluster.ts';
import { createTestPostgresDatabase } from '../src/storage/test-databases.ts';
import { SEND_JOURNEY } from './journeys.ts';
import { postBatches } from './lib/http-load.ts';
import {
  createDefinition,
  DatabaseProbe,
  enteredCount,
  installJourney,
  percentile,
  waitUntil,
} from './lib/journey-bench-kit.ts';
import { fmtInt, fmtRate, fmtRatio, fmtSec, intFlag, log, printTable, type Row } from './lib/report.ts';
import { type ServerProcess, sleep, startServer } from './lib/server-process.ts';

/** A target of the load: where to post, and how to read back the latencies when the run is done. */
interface Target {
  server: Pick<ServerProcess, 'url' | 'writeKey' | 'secretKey'>;
  /** (outbox created_at − the order's received_at) in ms of the orders whose messageId starts with `tag`. */
  latencies(tag: string): Promise<number[]>;
}

interface Measured {
  name: string;
  eventsPerSecond: number;
  sendsPerSecond: number;
  /** p99 event → outbox while saturated (queueing included), and at the paced rate. */
  p99Ms: number;
  pacedP99Ms: number;
}

/** The paced phase: customers per second offered, and how many. */
const PACED = { customersPerSecond: 200, customers: 2_000 };

const latencySql = (tag: string) => `select o.created_at - e.received_at as ms from outbox o
  join events e on e.customer_id = o.customer_id and e.event = 'Order Completed' and e.message_id like '${tag}-%'`;

/** `count` customers, each an identify with an email and one order, 100 customers per request. */
function orderBodies(count: number, tag: string): Buffer[] {
  const bodies: Buffer[] = [];
  for (let start = 0; start < count; start += 100) {
    const batch = [];
    for (let i = start; i < Math.min(count, start + 100); i++) {
      const userId = `${tag}-user-${i}`;
      batch.push(
        { type: 'identify', messageId: `${tag}-${i}-identify`, userId, traits: { email: `${tag}-${i}@example.com` } },
        { type: 'track', messageId: `${tag}-${i}-order`, userId, event: 'Order Completed', properties: { total: 42 } },
      );
    }
    bodies.push(Buffer.from(JSON.stringify({ batch })));
  }
  return bodies;
}

/**
 * Posts `events` customers as fast as the API acknowledges and times their orders into the outbox
 * and out of it; then offers PACED.customers at PACED.customersPerSecond for the latency when not saturated.
 */
async function measure(name: string, target: Target, events: number): Promise<Measured> {
  const { server } = target;
  const sent = async () => {
    const response = await fetch(`${server.url}/v1/messages/stats`, {
      headers: { authorization: `Bearer ${server.secretKey}` },
    });
    const { statuses } = (await response.json()) as { statuses: Record<string, number> };
    const delivered = statuses.delivered ?? 0;
    const other = Object.entries(statuses).filter(([status]) => !['delivered', 'pending', 'sending'].includes(status));
    if (other.some(([, n]) => n > 0)) throw new Error(`messages not delivered: ${JSON.stringify(statuses)}`);
    return delivered;
  };
  const tag = name.replace(/\W/g, '');
  const started = Date.now();
  const load = postBatches({
    url: server.url,
    writeKey: server.writeKey,
    bodies: orderBodies(events, tag),
    connections: 8,
  });
  const entered = waitUntil(() => enteredCount(server as ServerProcess, SEND_JOURNEY.id, 'hello'), events);
  const delivered = waitUntil(sent, events);
  await load;
  const [inOutbox, out] = await Promise.all([entered, delivered]);
  const total = events + PACED.customers;
  await postBatches({
    url: server.url,
    writeKey: server.writeKey,
    bodies: orderBodies(PACED.customers, `${tag}paced`),
    connections: 4,
    rate: { eventsPerSecond: 2 * PACED.customersPerSecond, eventsPerBody: 200 },
  });
  await waitUntil(() => enteredCount(server as ServerProcess, SEND_JOURNEY.id, 'hello'), total);
  // Two events per customer: the identify and the order.
  const result = {
    name,
    eventsPerSecond: (2 * events * 1000) / (inOutbox - started),
    sendsPerSecond: (events * 1000) / (out - started),
    p99Ms: percentile(await target.latencies(tag), 0.99),
    pacedP99Ms: percentile(await target.latencies(`${tag}paced`), 0.99),
  };
  log(
    `${name}: ${fmtRate(result.eventsPerSecond)} into the outbox, ${fmtRate(result.sendsPerSecond)} sent, p99 ${fmtInt(result.p99Ms)} ms saturated, ${fmtInt(result.pacedP99Ms)} ms at ${PACED.customersPerSecond * 2} events/s`,
  );
  return result;
}

async function embedded(events: number, databaseUrl?: string): Promise<Measured> {
  const dataDir = mkdtempSync(join(tmpdir(), 'godwit-bench-cluster-'));
  const server = await startServer({ dataDir, databaseUrl });
  try {
    await createDefinition(server as ServerProcess, '/v1/templates', emailTemplate('thanks'));
    await installJourney(server, SEND_JOURNEY);
    const latencies = async (tag: string) => {
      if (databaseUrl) return pgLatencies(databaseUrl, tag);
      const probe = new DatabaseProbe(dataDir);
      try {
        return probe.all<{ ms: number }>(latencySql(tag)).map((r) => Number(r.ms));
      } finally {
        probe.close();
      }
    };
    return await measure(
      databaseUrl ? 'one process, PostgreSQL' : 'one process, SQLite (embedded)',
      { server, latencies },
      events,
    );
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function pgLatencies(url: string, tag: string): Promise<number[]> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    return (await db.query(latencySql(tag))).rows.map((r) => Number(r.ms));
  } finally {
    await db.end();
  }
}

async function cluster(events: number, workers: number, natsUrl: string): Promise<Measured> {
  const database = await createTestPostgresDatabase();
  try {
    const running = await LocalCluster.start({ apis: 1, workers, databaseUrl: database.url, natsUrl });
    try {
      const api = running.apis[0];
      const server = { url: api?.url ?? '', writeKey: running.writeKey, secretKey: running.secretKey };
      await createDefinition(server as ServerProcess, '/v1/templates', emailTemplate('thanks'));
      await installJourney(server as ServerProcess, SEND_JOURNEY);
      await sleep(6_000); // workers reload live journeys every 5 s
      return await measure(
        `cluster, 1 API + ${workers} worker${workers > 1 ? 's' : ''}`,
        { server, latencies: (tag) => pgLatencies(database.url, tag) },
        events,
      );
    } finally {
      await running.stop();
      await running.destroyStream();
    }
  } finally {
    await database.drop();
  }
}

async function drill(customers: number): Promise<void> {
  const report = await runClusterDrill({ customers, restartPostgres: true, killEveryMs: 5_000, wait: '5s', log });
  const c = report.counts;
  const rows: Row[] = [
    { what: 'customers acknowledged', value: fmtInt(c.acknowledgedCustomers), detail: `of ${fmtInt(c.customers)}` },
    {
      what: 'runs completed',
      value: fmtInt(c.runsCompleted),
      target: { met: c.runsCompleted === c.customers, text: 'every customer' },
    },
    { what: 'sends (outbox rows)', value: fmtInt(c.outboxRows), detail: '3 per run expected' },
    { what: 'duplicate sends', value: fmtInt(c.duplicateSends), target: { met: c.duplicateSends === 0, text: '0' } },
    {
      what: 'acknowledged events lost',
      value: fmtInt(c.acknowledgedEventsLost),
      target: { met: c.acknowledgedEventsLost === 0, text: '0' },
    },
    {
      what: 'events behind their partition',
      value: fmtInt(c.journeyCursorLag),
      target: { met: c.journeyCursorLag === 0, text: '0' },
    },
    { what: 'dead letters', value: fmtInt(report.deadLetters), target: { met: report.deadLetters === 0, text: '0' } },
    {
      what: 'messages not delivered',
      value: fmtInt(report.undelivered),
      target: { met: report.undelivered === 0, text: '0' },
    },
    { what: 'workers killed (SIGKILL)', value: fmtInt(report.kills) },
    {
      what: 'workers that exited on their own',
      value: fmtInt(report.crashes),
      target: { met: report.crashes === 0, text: '0' },
    },
    { what: 'NATS / PostgreSQL restarts', value: `${report.natsRestarts} / ${report.postgresRestarts}` },
    { what: 'wall time', value: fmtSec(report.wallMs) },
  ];
  printTable('Scale-out failure drill: 2 API + 3 workers', rows);
  if (report.problems.length > 0) {
    log(report.problems.join('\n'));
    process.exitCode = 1;
  }
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      workers: { type: 'string' },
      drill: { type: 'boolean' },
      customers: { type: 'string' },
      nats: { type: 'string', default: 'nats://127.0.0.1:4222' },
    },
  });
  if (values.drill) return drill(intFlag(values.customers, 100_000, 'customers'));
  const events = intFlag(values.customers, 10_000, 'customers');
  const counts = (values.workers ?? '1,2,3').split(',').map((w) => intFlag(w, 1, 'workers'));
  const results: Measured[] = [await embedded(events)];
  const { url, drop } = await createTestPostgresDatabase();
  try {
    results.push(await embedded(events, url));
  } finally {
    await drop();
  }
  for (const n of counts) results.push(await cluster(events, n, values.nats));
  const sqlite = results[0] as Measured;
  const single = results[1] as Measured;
  const rows: Row[] = results.map((r) => ({
    what: r.name,
    value: `${fmtRate(r.eventsPerSecond)} events`,
    detail: `${fmtRate(r.sendsPerSecond)} sends; p99 event → outbox ${fmtInt(r.p99Ms)} ms saturated, ${fmtInt(r.pacedP99Ms)} ms at ${fmtInt(2 * PACED.customersPerSecond)} events/s`,
  }));
  const oneWorker = results[2];
  if (oneWorker) {
    rows.push({
      what: 'cluster with 1 worker ÷ one process',
      value: fmtRatio(oneWorker.eventsPerSecond / sqlite.eventsPerSecond),
      detail: `events/s vs SQLite (embedded); ${fmtRatio(oneWorker.eventsPerSecond / single.eventsPerSecond)} vs one process on PostgreSQL`,
    });
  }
  printTable(
    `Scale-out runtime: ${fmtInt(events)} customers (identify + order), each order one run and one send (2 cores: overhead, not scaling)`,
    rows,
  );
}
