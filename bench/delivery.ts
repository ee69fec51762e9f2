import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DeliveryWorker } from '../src/delivery/delivery-worker.ts';
import { PlainRenderer } from '../src/delivery/plain-renderer.ts';
import type { ChannelProvider, DeliveryChannel } from '../src/delivery/provider.ts';
import { type ProviderLimits, ProviderRegistry } from '../src/delivery/provider-registry.ts';
import { DevSinkProvider } from '../src/delivery/providers/dev-sink/dev-sink-provider.ts';
import { SmtpProvider } from '../src/delivery/providers/smtp/smtp-provider.ts';
import { createWebhookProvider } from '../src/delivery/providers/webhook/webhook-provider.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../src/delivery/retry-policy.ts';
import { FlakyServer, seededRandom } from '../src/delivery/test-flaky-server.ts';
import { systemClock } from '../src/shared/clock.ts';
import { newId } from '../src/shared/ids.ts';
import type { OutboxRecord } from '../src/storage/journey-store.ts';
import { PostgresStore } from '../src/storage/postgres/postgres-store.ts';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.ts';
import type { Store } from '../src/storage/store.ts';
import { createTestPostgresDatabase } from '../src/storage/test-databases.ts';
import { fmtInt, fmtRate, fmtSec, intFlag, log, median, printTable, type Row } from './lib/report.ts';
import { startSmtpSink } from './lib/smtp-sink.ts';

/** The targets. */
const TARGETS = { sink: 5_000, smtp: 2_000 };
const WS = 'bench';

interface Settings {
  store: 'sqlite' | 'postgres';
  messages: number;
  rounds: number;
  customers: number;
  batch: number;
  smtpMessages: number;
  smtpPool: number;
  flakyMessages: number;
  outageSeconds: number;
  parts: Set<string>;
}

function settingsOf(argv: string[]): Settings {
  const { values } = parseArgs({
    args: argv,
    options: {
      store: { type: 'string', default: 'sqlite' },
      messages: { type: 'string' },
      rounds: { type: 'string' },
      customers: { type: 'string' },
      batch: { type: 'string' },
      'smtp-messages': { type: 'string' },
      'smtp-pool': { type: 'string' },
      'flaky-messages': { type: 'string' },
      outage: { type: 'string' },
      part: { type: 'string', default: 'sink,smtp,flaky' },
    },
  });
  if (values.store !== 'sqlite' && values.store !== 'postgres') throw new Error('--store must be sqlite or postgres');
  return {
    store: values.store,
    messages: intFlag(values.messages, 100_000, 'messages'),
    rounds: intFlag(values.rounds, 3, 'rounds'),
    customers: intFlag(values.customers, 10_000, 'customers'),
    batch: intFlag(values.batch, 500, 'batch'),
    smtpMessages: intFlag(values['smtp-messages'], 20_000, 'smtp-messages'),
    smtpPool: intFlag(values['smtp-pool'], 20, 'smtp-pool'),
    flakyMessages: intFlag(values['flaky-messages'], 20_000, 'flaky-messages'),
    outageSeconds: intFlag(values.outage, 60, 'outage'),
    parts: new Set(values.part.split(',')),
  };
}

async function openStore(s: Settings): Promise<{ store: Store; dispose(): Promise<void> }> {
  if (s.store === 'postgres') {
    const database = await createTestPostgresDatabase();
    const store = await PostgresStore.open(database.url, { poolSize: 8 });
    const dispose = async () => {
      await store.close();
      await database.drop();
    };
    return { store, dispose };
  }
  const dir = mkdtempSync(join(tmpdir(), 'godwit-bench-delivery-'));
  const store = await SqliteStore.open(join(dir, 'godwit.db'));
  const dispose = async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { store, dispose };
}

/** Customers with a userId, so every outcome also lands on a timeline as it does in production. */
async function addCustomers(store: Store, count: number): Promise<void> {
  await store.acquireCursor({ name: 'bench', owner: 'bench', now: 1, leaseMs: 1e12 });
  for (let from = 0; from < count; from += 1_000) {
    const ids = Array.from({ length: Math.min(1_000, count - from) }, (_, k) => `c${from + k}`);
    await store.applyResolution({
      upsertProfiles: ids.map((id) => ({
        id,
        workspaceId: WS,
        traits: { email: `${id}@example.com`, first_name: id },
        traitTimes: {},
        consent: {},
        timezone: null,
        locale: null,
        createdAt: 1,
        updatedAt: 1,
      })),
      merges: [],
      upsertIdentities: ids.map((id) => ({
        kind: 'user_id',
        value: `u-${id}`,
        customerId: id,
        workspaceId: WS,
        createdAt: 1,
      })),
      assignEvents: [],
      audit: [],
      cursor: { name: 'bench', position: 0, owner: 'bench' },
    });
  }
}

/** Pending entries as a journey's send (or webhook) node writes them. */
async function fillOutbox(
  store: Store,
  options: { count: number; customers: number; tag: string; channel: DeliveryChannel; url?: string },
): Promise<void> {
  const now = Date.now();
  for (let from = 0; from < options.count; from += 5_000) {
    const outbox: OutboxRecord[] = [];
    for (let i = from; i < Math.min(options.count, from + 5_000); i++) {
      const customerId = `c${i % options.customers}`;
      const webhook = options.channel === 'webhook';
      outbox.push({
        workspaceId: WS,
        idempotencyKey: `${options.tag}:${newId(now)}:send:1`,
        customerId,
        runId: null,
        journeyId: 'bench',
        nodeId: 'send',
        kind: webhook ? 'webhook' : 'message',
        channel: options.channel,
        status: 'pending',
        payload: webhook
          ? { url: options.url, method: 'POST', body: { i } }
          : {
              template: 'order_shipped',
              address: `${customerId}@example.com`,
              messageClass: 'transactional',
              data: { order: i, total: 42 },
            },
        createdAt: now,
        updatedAt: now,
      });
    }
    await store.journeys.applyJourneyChange({
      runs: [],
      addTimers: [],
      deleteTimers: [],
      outbox,
      events: [],
      counts: [],
    });
  }
}

function workerFor(
  store: Store,
  options: {
    provider: ChannelProvider;
    channel: DeliveryChannel;
    limits?: ProviderLimits;
    batch: number;
    retry?: RetryPolicy;
  },
): DeliveryWorker {
  return new DeliveryWorker({
    store,
    clock: systemClock,
    owner: `bench-${newId()}`,
    providers: new ProviderRegistry({
      providers: [{ provider: options.provider, limits: options.limits }],
      channels: { [options.channel]: options.provider.name },
    }),
    renderer: new PlainRenderer(),
    retry: options.retry,
    batchSize: options.batch,
    idleMs: 50,
  });
}

/** Slices back to back until the outbox is drained: messages per second through the whole pipeline. */
async function drain(worker: DeliveryWorker, count: number): Promise<{ ms: number; sent: number }> {
  const started = performance.now();
  let sent = 0;
  for (let slice = await worker.deliverDue(); slice.claimed > 0; slice = await worker.deliverDue()) sent += slice.sent;
  const ms = performance.now() - started;
  if (sent !== count) throw new Error(`expected ${count} messages sent, got ${sent}`);
  return { ms, sent };
}

async function sinkPart(s: Settings, store: Store): Promise<Row[]> {
  const rates: number[] = [];
  for (let round = 1; round <= s.rounds; round++) {
    await fillOutbox(store, { count: s.messages, customers: s.customers, tag: `sink${round}`, channel: 'email' });
    const sink = new DevSinkProvider();
    const { ms } = await drain(workerFor(store, { provider: sink, channel: 'email', batch: s.batch }), s.messages);
    rates.push((s.messages / ms) * 1000);
    log(`  dev sink round ${round}: ${fmtInt(s.messages)} messages in ${fmtSec(ms)} (${fmtRate(rates.at(-1) ?? 0)})`);
  }
  const rate = median(rates);
  return [
    {
      what: 'outbox → dev sink',
      value: fmtRate(rate),
      target: { met: rate >= TARGETS.sink, text: `≥ ${fmtInt(TARGETS.sink)}/s` },
      detail: `median of ${s.rounds} × ${fmtInt(s.messages)}; each with its delivery event`,
    },
  ];
}

async function smtpPart(s: Settings, store: Store): Promise<Row[]> {
  const smtp = await startSmtpSink();
  const rates: number[] = [];
  let sentTotal = 0;
  try {
    for (let round = 1; round <= s.rounds; round++) {
      await fillOutbox(store, { count: s.smtpMessages, customers: s.customers, tag: `smtp${round}`, channel: 'email' });
      const provider = new SmtpProvider({
        url: `smtp://127.0.0.1:${smtp.port}`,
        from: 'Bench <bench@example.com>',
        maxConnections: s.smtpPool,
        maxMessages: 10_000,
      });
      const worker = workerFor(store, {
        provider,
        channel: 'email',
        limits: { concurrency: s.smtpPool * 4 },
        batch: s.batch,
      });
      const { ms } = await drain(worker, s.smtpMessages);
      provider.close();
      sentTotal += s.smtpMessages;
      rates.push((s.smtpMessages / ms) * 1000);
      log(`  smtp round ${round}: ${fmtInt(s.smtpMessages)} messages in ${fmtSec(ms)} (${fmtRate(rates.at(-1) ?? 0)})`);
    }
    const stats = await smtp.stats();
    const rate = median(rates);
    return [
      {
        what: 'outbox → SMTP (smtp-server)',
        value: fmtRate(rate),
        target: { met: rate >= TARGETS.smtp, text: `≥ ${fmtInt(TARGETS.smtp)}/s` },
        detail: `median of ${s.rounds} × ${fmtInt(s.smtpMessages)}; nodemailer pool of ${s.smtpPool}`,
      },
      {
        what: 'SMTP server received',
        value: fmtInt(stats.messages),
        target: {
          met: stats.messages === sentTotal && stats.unique === sentTotal,
          text: `= ${fmtInt(sentTotal)}, no repeats`,
        },
        detail: `${fmtInt(stats.unique)} distinct Message-IDs`,
      },
    ];
  } finally {
    await smtp.stop();
  }
}

async function flakyPart(s: Settings, store: Store): Promise<Row[]> {
  const server = new FlakyServer({ failureRate: 0.3, random: seededRandom(42) });
  const url = await server.start();
  const n = s.flakyMessages;
  await fillOutbox(store, { count: n, customers: s.customers, tag: 'flaky', channel: 'webhook', url });
  const provider = createWebhookProvider({ secretFor: async () => 'bench-secret', timeoutMs: 5_000 });
  // More attempts than the default: at a 30% failure rate, 10 attempts would leave about one message in 100,000 dead.
  const retry = { ...DEFAULT_RETRY_POLICY, maxAttempts: 25, maxDelayMs: 30_000 };
  const worker = workerFor(store, { provider, channel: 'webhook', limits: { concurrency: 64 }, batch: s.batch, retry });
  const started = Date.now();
  const outageAt = started + 1_000;
  let recoveredAt = 0;
  let mostAt = 0;
  worker.start();
  let counts: Record<string, number> = {};
  try {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const now = Date.now();
      if (recoveredAt === 0 && now >= outageAt && !server.isDown) {
        if (server.duringOutage === 0 && now < outageAt + 1_000) {
          server.goDown(s.outageSeconds * 1_000);
          log(`  provider down for ${s.outageSeconds} s (${fmtInt(server.accepted.size)} delivered so far)`);
        } else if (server.duringOutage > 0) {
          recoveredAt = now;
          log(`  provider back after ${s.outageSeconds} s`);
        }
      }
      if (mostAt === 0 && recoveredAt > 0 && server.accepted.size >= n * 0.99) mostAt = now;
      counts = (await store.delivery.countByStatus(WS)) as Record<string, number>;
      const settled = (counts.sent ?? 0) + (counts.dead ?? 0) + (counts.failed ?? 0);
      if (settled >= n && recoveredAt > 0) break;
    }
  } finally {
    await worker.stop();
    await server.stop();
  }
  const done = Date.now();
  const lost = n - server.accepted.size;
  const duplicates = server.duplicates().length;
  return [
    {
      what: 'flaky provider: delivered',
      value: fmtInt(server.accepted.size),
      target: { met: lost === 0 && duplicates === 0, text: `all ${fmtInt(n)} once` },
      detail: `lost ${lost}, twice ${duplicates}, dead ${counts.dead ?? 0}; 30% of requests refused, down ${s.outageSeconds} s`,
    },
    {
      what: 'flaky provider: requests',
      value: fmtInt(server.requests),
      detail: `${fmtInt(server.refused)} refused, ${fmtInt(server.duringOutage)} while down (circuit breaker probes)`,
    },
    {
      what: 'flaky provider: all delivered after',
      value: fmtSec(done - started),
      detail: `${fmtSec(done - recoveredAt)} after it came back`,
    },
    {
      what: 'flaky provider: 99% delivered after',
      value: fmtSec((mostAt || done) - recoveredAt),
      detail: 'after it came back; the rest wait out the backoff of several failures in a row',
    },
  ];
}

/** Each part on a fresh store, so one part's rows neither slow nor count in another. */
async function withStore(s: Settings, part: (store: Store) => Promise<Row[]>): Promise<Row[]> {
  const { store, dispose } = await openStore(s);
  try {
    await addCustomers(store, s.customers);
    return await part(store);
  } finally {
    await dispose();
  }
}

export async function run(argv: string[]): Promise<void> {
  const s = settingsOf(argv);
  const rows: Row[] = [];
  log(`delivery bench on ${s.store}: ${fmtInt(s.customers)} customers`);
  if (s.parts.has('sink')) rows.push(...(await withStore(s, (store) => sinkPart(s, store))));
  if (s.parts.has('smtp')) rows.push(...(await withStore(s, (store) => smtpPart(s, store))));
  if (s.parts.has('flaky')) rows.push(...(await withStore(s, (store) => flakyPart(s, store))));
  printTable(`delivery (${s.store})`, rows);
}
