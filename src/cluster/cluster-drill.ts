import pg from 'pg';
import { NatsBus } from '../bus/nats-bus.ts';
import { type CrashCounts, crashJourney, problemsOf } from '../journeys/runtime/test-crash-run.ts';
import { seededRandom } from '../journeys/seeded-random.ts';
import { createTestPostgresDatabase } from '../storage/test-databases.ts';
import { countDrill, type SettleCounts, settleCounts } from './cluster-drill-counts.ts';
import { LocalCluster } from './local-cluster.ts';
import { restartNats, restartPostgres } from './service-restarts.ts';

/**
 * The scale-out failure drill shared by `cluster-failure.test.ts` and `npm run bench -- cluster --drill`:
 * 2 API and 3 worker processes on a fresh PostgreSQL database and a fresh NATS stream; N customers
 * (identify + Signed Up, posted round-robin to the APIs and retried with the same messageIds until a
 * 200) go through the crash drill's journey (send → wait → send → wait → send); every few seconds a
 * random worker is killed with SIGKILL and started again; NATS is restarted once (and PostgreSQL
 * once with `restartPostgres`). When the counts settle, the processes are stopped and the outcome
 * is counted from the database — the same counts and expectations as the embedded crash drill —
 * plus the dead letters on the bus.
 */
export interface DrillOptions {
  customers: number;
  apis?: number;
  workers?: number;
  /** Customers per second offered (default: spread over about 30 s), so the kills hit work in progress. */
  rate?: number;
  /** Kills before the drill may end (default 4). */
  minKills?: number;
  /** A worker killed every this many ms (then restarted). */
  killEveryMs?: number;
  /** Each wait node's duration. */
  wait?: string;
  restartNatsAt?: number;
  /** Restart PostgreSQL (cuts every connection of every test on this server: bench only). */
  restartPostgres?: boolean;
  /**
   * Give up when nothing moved for this long (default 3 min: a killed worker's claimed outbox
   * entries wait out delivery's 2-minute claim lease before another worker sends them).
   */
  stallMs?: number;
  seed?: number;
  natsUrl?: string;
  partitions?: number;
  log?: (line: string) => void;
}

export interface DrillReport {
  counts: CrashCounts;
  deadLetters: number;
  /** Outbox entries in any status but delivered (the dev sink delivers every one it is given). */
  undelivered: number;
  kills: number;
  /** Workers that exited without being killed (then restarted). */
  crashes: number;
  natsRestarts: number;
  postgresRestarts: number;
  settled: boolean;
  /** ms from the first event posted to everything settled. */
  wallMs: number;
  problems: string[];
  logs: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const BATCH_CUSTOMERS = 50;
const userIdOf = (i: number) => `drill-${i}`;
const messageIdsOf = (i: number) => [`drill-${i}-identify`, `drill-${i}-signed-up`];

export async function runClusterDrill(o: DrillOptions): Promise<DrillReport> {
  const log = o.log ?? (() => {});
  const partitions = o.partitions ?? 16;
  const natsUrl = o.natsUrl ?? 'nats://127.0.0.1:4222';
  const database = await createTestPostgresDatabase();
  const db = new pg.Pool({ connectionString: database.url, max: 2 });
  db.on('error', () => {});
  const cluster = await LocalCluster.start({
    apis: o.apis ?? 2,
    workers: o.workers ?? 3,
    databaseUrl: database.url,
    natsUrl,
    partitions,
  });
  const report = { kills: 0, natsRestarts: 0, postgresRestarts: 0, crashes: 0 };
  try {
    await installJourney(cluster, o.wait ?? '3s');
    // Workers learn of a journey made live in another process within 5 s (their cache of live journeys).
    await sleep(6_000);
    const started = Date.now();
    const load = startLoad(cluster, o.customers, o.rate ?? Math.max(50, o.customers / 30));
    const chaos = runChaos(cluster, o, load, report, log);
    const chaosDone = () =>
      report.kills >= (o.minKills ?? 4) &&
      report.natsRestarts === 1 &&
      report.postgresRestarts === (o.restartPostgres ? 1 : 0);
    const settled = await waitToSettle(db, { load, chaosDone }, o, log);
    chaos.stop();
    await chaos.done;
    const wallMs = Date.now() - started;
    await cluster.stop();
    const counts = await countDrill(db, { ...load.result(), customers: o.customers, partitions });
    const deadLetters = await countDeadLetters(cluster, natsUrl, partitions);
    const undelivered = Number(
      (await db.query(`select count(*) as n from outbox where status <> 'delivered'`)).rows[0]?.n ?? 0,
    );
    const problems = [
      ...problemsOf(counts, settled),
      ...(deadLetters > 0 ? [`${deadLetters} dead letters`] : []),
      ...(undelivered > 0 ? [`${undelivered} outbox entries not delivered`] : []),
      ...(report.crashes > 0 ? [`${report.crashes} times a worker exited on its own`] : []),
    ];
    const logs = [...cluster.apis, ...cluster.workers].map((p) => `--- ${p.name}\n${p.logs().slice(-3000)}`).join('\n');
    return { counts, deadLetters, undelivered, ...report, settled, wallMs, problems, logs };
  } finally {
    await cluster.stop();
    await cluster.destroyStream().catch(() => {});
    await db.end();
    await database.drop().catch(() => {});
  }
}

/** Creates a definition through the admin API (`/v1/journeys`, `/v1/templates`), expecting 201. */
export async function createThrough(
  server: { url: string; secretKey: string },
  path: string,
  definition: Record<string, unknown>,
): Promise<void> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.secretKey}` },
    body: JSON.stringify(definition),
  });
  if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
}

/** A plain email template, so the dev sink really renders and "sends" each message. */
export const emailTemplate = (id: string) => ({
  id,
  name: id,
  channels: { email: { subject: `${id} for {{ customer.traits.email }}`, html: `<p>${id}</p>` } },
});

async function installJourney(cluster: LocalCluster, wait: string): Promise<void> {
  const server = { url: cluster.apis[0]?.url ?? '', secretKey: cluster.secretKey };
  for (const n of [1, 2, 3]) await createThrough(server, '/v1/templates', emailTemplate(`welcome-${n}`));
  await createThrough(server, '/v1/journeys', crashJourney(wait));
}

interface Load {
  done: boolean;
  acked: number;
  finished: Promise<void>;
  result(): { acked: Set<string>; ackedMessages: string[]; cutOff: number };
}

/** Posts every customer's identify and Signed Up like an SDK with retries, round-robin over the APIs. */
function startLoad(cluster: LocalCluster, customers: number, rate: number): Load {
  const auth = `Basic ${Buffer.from(`${cluster.writeKey}:`).toString('base64')}`;
  const batches = Math.ceil(customers / BATCH_CUSTOMERS);
  const ackedBatches: number[] = [];
  let next = 0;
  let cutOff = 0;
  const begun = performance.now();
  const state = { done: false, acked: 0 };
  const range = (b: number) => {
    const out: number[] = [];
    for (let i = b * BATCH_CUSTOMERS; i < Math.min(customers, (b + 1) * BATCH_CUSTOMERS); i++) out.push(i);
    return out;
  };
  const worker = async (lane: number) => {
    for (let b = next++; b < batches; b = next++) {
      await sleep(begun + (b * BATCH_CUSTOMERS * 1000) / rate - performance.now());
      const batch = range(b).flatMap((i) => {
        const [identify, signedUp] = messageIdsOf(i);
        return [
          {
            type: 'identify',
            messageId: identify,
            userId: userIdOf(i),
            traits: { email: `${userIdOf(i)}@example.com` },
          },
          { type: 'track', messageId: signedUp, userId: userIdOf(i), event: 'Signed Up' },
        ];
      });
      for (let attempt = 0; ; attempt++) {
        const api = cluster.apis[(lane + attempt) % cluster.apis.length];
        try {
          const response = await fetch(`${api?.url}/v1/batch`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: auth },
            body: JSON.stringify({ batch }),
            signal: AbortSignal.timeout(30_000),
          });
          if (response.status === 200) break;
          if (response.status < 500) throw new Error(`POST /v1/batch: ${response.status} ${await response.text()}`);
        } catch (error) {
          if ((error as Error).message.startsWith('POST /v1/batch')) throw error;
          cutOff += 1;
        }
        await sleep(200);
      }
      ackedBatches.push(b);
      state.acked += batch.length / 2;
    }
  };
  const finished = Promise.all(Array.from({ length: 8 }, (_, lane) => worker(lane))).then(() => {
    state.done = true;
  });
  finished.catch(() => {});
  return {
    get done() {
      return state.done;
    },
    get acked() {
      return state.acked;
    },
    finished,
    result: () => {
      const customersAcked = ackedBatches.flatMap(range);
      return {
        acked: new Set(customersAcked.map(userIdOf)),
        ackedMessages: customersAcked.flatMap(messageIdsOf),
        cutOff,
      };
    },
  };
}

/** Kills a random worker every `killEveryMs` and starts it again; restarts NATS (and PostgreSQL) once. */
function runChaos(
  cluster: LocalCluster,
  o: DrillOptions,
  load: Load,
  report: { kills: number; natsRestarts: number; postgresRestarts: number; crashes: number },
  log: (line: string) => void,
) {
  const random = seededRandom(o.seed ?? 7);
  let stopped = false;
  const every = o.killEveryMs ?? 4_000;
  const done = (async () => {
    for (let round = 1; !stopped; round++) {
      await sleep(every * (0.5 + random()));
      if (stopped) break;
      // A worker that exited on its own is a bug the drill reports; it is started again, as a process manager would.
      for (const worker of cluster.workers.filter((w) => !w.alive)) {
        report.crashes += 1;
        log(`${worker.name} exited on its own:\n${worker.logs().slice(-2000)}`);
        await worker.start(120_000).catch((error) => log(`restart of ${worker.name} failed: ${error.message}`));
      }
      const victim = cluster.workers[Math.floor(random() * cluster.workers.length)];
      if (victim?.alive) {
        await victim.stop('SIGKILL');
        report.kills += 1;
        log(`killed ${victim.name} (${report.kills} kills, ${load.acked} customers acknowledged)`);
        await victim.start(120_000).catch((error) => log(`restart of ${victim.name} failed: ${error.message}`));
      }
      if (round === (o.restartNatsAt ?? 3) && report.natsRestarts === 0) {
        log('restarting NATS');
        await restartNats({ downMs: 1_000 });
        report.natsRestarts += 1;
      }
      if (o.restartPostgres && round === (o.restartNatsAt ?? 3) + 2 && report.postgresRestarts === 0) {
        log('restarting PostgreSQL');
        restartPostgres();
        report.postgresRestarts += 1;
      }
    }
  })();
  return {
    done,
    stop: () => {
      stopped = true;
    },
  };
}

/** Until every acknowledged customer's run finished, no timer is left, the outbox is delivered and the log relayed. */
async function waitToSettle(
  db: pg.Pool,
  { load, chaosDone }: { load: Load; chaosDone: () => boolean },
  o: DrillOptions,
  log: (line: string) => void,
): Promise<boolean> {
  let last = '';
  let lastChange = Date.now();
  for (;;) {
    await sleep(500);
    const counts: SettleCounts | undefined = await settleCounts(db).catch(() => undefined);
    if (!counts) continue;
    const text = JSON.stringify({ acked: load.acked, ...counts });
    if (text !== last) {
      last = text;
      lastChange = Date.now();
      log(text);
    }
    const finished = load.done && counts.runsFinished >= load.acked;
    const quiet = counts.timers === 0 && counts.undelivered === 0 && counts.relayLag === 0;
    if (finished && quiet && chaosDone()) return true;
    if (finished && quiet) lastChange = Date.now();
    if (Date.now() - lastChange > (o.stallMs ?? 180_000)) {
      const stuck = await db.query(
        `select status, count(*) as n, max(attempts) as attempts, min(next_attempt_at) - $1 as due_in_ms,
                min(claimed_until) - $1 as claim_ends_in_ms, max(last_error) as error
           from outbox where status in ('pending', 'sending') group by status`,
        [Date.now()],
      );
      log(`stalled; undelivered outbox entries: ${JSON.stringify(stuck.rows)}`);
      return false;
    }
  }
}

async function countDeadLetters(cluster: LocalCluster, url: string, partitions: number): Promise<number> {
  const bus = await NatsBus.connect({
    url,
    stream: String(cluster.env.GODWIT_NATS_STREAM),
    subjectPrefix: String(cluster.env.GODWIT_NATS_PREFIX),
    partitions,
  });
  try {
    return (await bus.deadLetters('journeys')).length;
  } finally {
    await bus.close();
  }
}
