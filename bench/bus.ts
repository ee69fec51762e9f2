/**
 * `npm run bench -- bus`: publish throughput with N publishes in flight, and consume throughput
 * (a backlog drained by one consumer; publish and consume at once), on each Bus adapter.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Bus, BusMessage } from '../src/bus/bus.ts';
import { InProcessBus } from '../src/bus/in-process-bus.ts';
import { NatsBus } from '../src/bus/nats-bus.ts';
import { fmtInt, fmtRate, intFlag, log, median, printTable, type Row } from './lib/report.ts';

interface Setup {
  messages: number;
  rounds: number;
  inFlight: number[];
  partitions: number;
  payload: string;
  url: string;
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      messages: { type: 'string' },
      rounds: { type: 'string' },
      'in-flight': { type: 'string' },
      partitions: { type: 'string' },
      bytes: { type: 'string' },
      adapter: { type: 'string' },
      url: { type: 'string' },
    },
  });
  const setup: Setup = {
    messages: intFlag(values.messages, 100_000, 'messages'),
    rounds: intFlag(values.rounds, 3, 'rounds'),
    inFlight: (values['in-flight'] ?? '1,100,1000').split(',').map((v) => intFlag(v, 1, 'in-flight')),
    partitions: intFlag(values.partitions, 16, 'partitions'),
    payload: 'x'.repeat(intFlag(values.bytes, 500, 'bytes')),
    url: values.url ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  };
  const adapters = (values.adapter ?? 'in-process,nats').split(',');
  for (const adapter of adapters) {
    if (adapter !== 'in-process' && adapter !== 'nats')
      throw new Error(`--adapter: in-process or nats, got "${adapter}"`);
    printTable(
      `bus: ${adapter}, ${fmtInt(setup.messages)} messages of ${setup.payload.length} B, ${setup.partitions} partitions, medians of ${setup.rounds}`,
      await measure(adapter, setup),
    );
  }
}

async function measure(adapter: 'in-process' | 'nats', setup: Setup): Promise<Row[]> {
  const rows: Row[] = [];
  const inFlights = adapter === 'in-process' ? [0] : setup.inFlight;
  for (const inFlight of inFlights) {
    const rates = await rounds(setup, async (round) => {
      const { bus, dispose } = await openBus(adapter, setup, inFlight);
      try {
        return await timePublish(bus, batchOf(setup, `p${round}`));
      } finally {
        await dispose();
      }
    });
    rows.push({
      what: adapter === 'in-process' ? 'publish' : `publish, ${inFlight} in flight`,
      value: fmtRate(median(rates)),
    });
  }
  const drain = await rounds(setup, async (round) => {
    const { bus, dispose } = await openBus(adapter, setup, 1000);
    try {
      await bus.publish(batchOf(setup, `d${round}`));
      return await timeConsume(bus, setup.messages, async () => {});
    } finally {
      await dispose();
    }
  });
  rows.push({
    what: 'consume a backlog, 1 consumer',
    value: fmtRate(median(drain)),
    detail: 'batches of 500, ack each',
  });
  const together = await rounds(setup, async (round) => {
    const { bus, dispose } = await openBus(adapter, setup, 1000);
    try {
      const messages = batchOf(setup, `e${round}`);
      return await timeConsume(bus, setup.messages, () => bus.publish(messages));
    } finally {
      await dispose();
    }
  });
  rows.push({
    what: 'publish → consumed, end to end',
    value: fmtRate(median(together)),
    detail: 'publishing while one consumer handles',
  });
  return rows;
}

async function rounds(setup: Setup, one: (round: number) => Promise<number>): Promise<number[]> {
  const results: number[] = [];
  for (let round = 0; round < setup.rounds; round++) {
    results.push(await one(round));
    log(`  round ${round + 1}: ${fmtRate(results[round] as number)}`);
  }
  return results;
}

async function openBus(adapter: 'in-process' | 'nats', setup: Setup, maxInFlight: number) {
  if (adapter === 'in-process') {
    const bus = new InProcessBus({ partitions: setup.partitions });
    return { bus: bus as Bus, dispose: () => bus.close() };
  }
  const tag = randomBytes(4).toString('hex');
  const bus = await NatsBus.connect({
    url: setup.url,
    stream: `GODWIT_BENCH_${tag}`,
    subjectPrefix: `bench_${tag}`,
    partitions: setup.partitions,
    maxInFlight,
    publishTimeoutMs: 30_000,
  });
  return { bus: bus as Bus, dispose: () => bus.destroy().then(() => bus.close()) };
}

/** One message per customer event, 5,000 customers, ids unique per round. */
function batchOf(setup: Setup, round: string): BusMessage[] {
  return Array.from({ length: setup.messages }, (_, i) => ({
    key: `customer-${i % 5000}`,
    id: `${round}-${i}`,
    payload: setup.payload,
  }));
}

/** One call: the adapter keeps its `maxInFlight` publishes awaiting acknowledgement. */
async function timePublish(bus: Bus, messages: BusMessage[]): Promise<number> {
  const started = performance.now();
  await bus.publish(messages);
  return messages.length / ((performance.now() - started) / 1000);
}

async function timeConsume(bus: Bus, expected: number, during: () => Promise<void>): Promise<number> {
  let handled = 0;
  let done!: () => void;
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  const started = performance.now();
  const sub = await bus.consume({
    group: 'bench',
    batchSize: 500,
    concurrency: 8,
    handler: async (batch) => {
      handled += batch.length;
      if (handled >= expected) done();
      return undefined;
    },
  });
  await during();
  await all;
  const rate = expected / ((performance.now() - started) / 1000);
  await sub.close();
  return rate;
}
