// `npm run cluster -- --api 2 --workers 3`: a local scale-out cluster (see README, "Running on several machines").
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { LocalCluster } from '../src/cluster/local-cluster.ts';

const { values } = parseArgs({
  options: {
    api: { type: 'string', default: '2' },
    workers: { type: 'string', default: '3' },
    database: { type: 'string' },
    server: {
      type: 'string',
      default: process.env.GODWIT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    nats: { type: 'string', default: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' },
    partitions: { type: 'string', default: '16' },
    keep: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(`Usage: npm run cluster -- [--api 2] [--workers 3] [--database <name>] [--keep] [--quiet]
  --database   use (and keep) this database on the server; default a fresh one per run, dropped on exit unless --keep
  --server     the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres)
  --nats       the NATS server with JetStream (default nats://127.0.0.1:4222)`);
  process.exit(0);
}
const count = (text: string, name: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 32) throw new Error(`--${name} must be a whole number from 0 to 32`);
  return n;
};
const apis = Math.max(1, count(values.api, 'api'));
const workers = count(values.workers, 'workers');

const fresh = !values.database;
const database = values.database ?? `godwit_cluster_${randomBytes(4).toString('hex')}`;
const onServer = async (sql: string) => {
  const client = new pg.Client({ connectionString: values.server });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
};
if (fresh) await onServer(`CREATE DATABASE ${database}`);
const url = new URL(values.server);
url.pathname = `/${database}`;

const cluster = await LocalCluster.start({
  apis,
  workers,
  databaseUrl: url.toString(),
  natsUrl: values.nats,
  stream: `GODWIT_${database.toUpperCase()}`,
  prefix: database,
  partitions: Number(values.partitions),
  echo: values.quiet ? undefined : (name, line) => console.log(`[${name}] ${line}`),
});

console.log(`\nGodwit cluster on database ${database}, NATS ${values.nats} (stream ${cluster.env.GODWIT_NATS_STREAM})`);
for (const p of cluster.apis) console.log(`  ${p.name.padEnd(10)} ${p.url}/v1   (pid ${p.pid})`);
for (const p of cluster.workers) console.log(`  ${p.name.padEnd(10)} ${p.url}/metrics   (pid ${p.pid})`);
console.log(`  Write key:  ${cluster.writeKey}\n  Secret key: ${cluster.secretKey}\n\nPress Ctrl+C to stop.`);

let stopping = false;
const stop = async () => {
  if (stopping) process.exit(130);
  stopping = true;
  console.log('\nStopping every process…');
  await cluster.stop();
  if (fresh && !values.keep) {
    await cluster.destroyStream();
    await onServer(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    console.log(`Dropped database ${database} and its stream (--keep keeps them).`);
  }
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
