import { randomBytes } from 'node:crypto';
import type { Bus } from './bus.ts';
import { InProcessBus } from './in-process-bus.ts';
import { NatsBus } from './nats-bus.ts';

export const NATS_URL = process.env.GODWIT_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

export interface BusOptions {
  partitions?: number;
  dedupeWindowMs?: number;
}

export interface OpenedBus {
  bus: Bus;
  /** Another worker on the same log: on NATS its own connection. */
  connect(): Promise<Bus>;
  /** Closes every bus opened here and removes the stream (NATS). */
  dispose(): Promise<void>;
}

export interface BusAdapter {
  name: 'in-process' | 'nats';
  open(options?: BusOptions): Promise<OpenedBus>;
}

/** Every adapter of the Bus port: the contract suite runs the same cases against each. */
export const busAdapters: BusAdapter[] = [
  {
    name: 'in-process',
    async open(options = {}) {
      const bus = new InProcessBus(options);
      const others: Bus[] = [];
      return {
        bus,
        async connect() {
          const other = new InProcessBus({ log: bus.log });
          others.push(other);
          return other;
        },
        async dispose() {
          await Promise.all([bus, ...others].map((b) => b.close()));
        },
      };
    },
  },
  {
    name: 'nats',
    async open(options = {}) {
      // A stream and subjects of its own per case, so cases and runs never see each other's messages.
      const tag = randomBytes(4).toString('hex');
      const config = { url: NATS_URL, stream: `GODWIT_TEST_${tag}`, subjectPrefix: `test_${tag}`, ...options };
      const bus = await NatsBus.connect(config);
      const others: NatsBus[] = [];
      return {
        bus,
        async connect() {
          const other = await NatsBus.connect(config);
          others.push(other);
          return other;
        },
        async dispose() {
          await Promise.all(others.map((b) => b.close()));
          await bus.destroy();
          await bus.close();
        },
      };
    },
  },
];
