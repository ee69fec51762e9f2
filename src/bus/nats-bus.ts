import {
  AckPolicy,
  connect,
  DeliverPolicy,
  headers,
  type JetStreamClient,
  type JetStreamManager,
  type KV,
  type NatsConnection,
  nanos,
  StorageType,
} from 'nats';
import {
  type Bus,
  type BusMessage,
  BusUnavailableError,
  type ConsumeOptions,
  type DeadLetter,
  partitionOf,
  type Subscription,
} from './bus.ts';
import type { BusBackend, PartitionReader } from './bus-adapter.ts';
import { GroupConsumer } from './group-consumer.ts';
import { NatsClaimTable } from './nats-claim-table.ts';
import { KEY_HEADER, openPartitionConsumer } from './nats-partition-reader.ts';
import { ensureStream } from './nats-stream.ts';

export interface NatsBusOptions {
  /** e.g. nats://127.0.0.1:4222 */
  url: string;
  /** JetStream stream name (default GODWIT_EVENTS); the claim bucket is `<stream>_claims`. */
  stream?: string;
  /** Subjects are `<prefix>.p.<partition>` and `<prefix>.dead.<group>` (default `events`). */
  subjectPrefix?: string;
  /** Default 16; fixed once the stream exists. */
  partitions?: number;
  /** JetStream's duplicate window (default 2 minutes). */
  dedupeWindowMs?: number;
  /** How long messages stay in the stream (default 7 days). */
  maxAgeMs?: number;
  /** Publishes awaiting their acknowledgement at once (default 1,000). */
  maxInFlight?: number;
  /** A publish not acknowledged by then fails as unavailable (default 5 s). */
  publishTimeoutMs?: number;
  /** Redelivery to the same owner of a message it neither acked nor nak'd (default 60 s). */
  ackWaitMs?: number;
  onError?: (error: unknown) => void;
}

const encoder = new TextEncoder();

/** The scale-out adapter: NATS JetStream. */
export class NatsBus implements Bus {
  readonly partitions: number;
  private readonly subscriptions = new Set<GroupConsumer>();
  private readonly backend: BusBackend;
  private readonly stream: string;
  private readonly prefix: string;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    kv: KV,
    private readonly options: NatsBusOptions,
  ) {
    this.partitions = options.partitions ?? 16;
    this.stream = options.stream ?? 'GODWIT_EVENTS';
    this.prefix = options.subjectPrefix ?? 'events';
    this.backend = {
      claims: new NatsClaimTable(kv),
      openPartition: (o) => this.openPartition(o),
      deadLetter: (group, letters) => this.storeDeadLetters(group, letters),
    };
  }

  /**
   * Connects, creates the stream and claim bucket if missing and checks an existing stream's
   * partitions and subjects. NATS down → `BusUnavailableError` naming the URL.
   */
  static async connect(options: NatsBusOptions): Promise<NatsBus> {
    let nc: NatsConnection;
    try {
      nc = await connect({ servers: options.url, maxReconnectAttempts: -1, reconnectTimeWait: 250, timeout: 3_000 });
    } catch (error) {
      throw new BusUnavailableError(`cannot reach NATS at ${options.url}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    try {
      const jsm = await nc.jetstreamManager().catch((error) => {
        throw new Error(`NATS at ${options.url} has no JetStream (start nats-server with -js): ${error.message}`);
      });
      const stream = options.stream ?? 'GODWIT_EVENTS';
      await ensureStream(jsm, {
        url: options.url,
        stream,
        prefix: options.subjectPrefix ?? 'events',
        partitions: options.partitions ?? 16,
        dedupeWindowMs: options.dedupeWindowMs ?? 120_000,
        maxAgeMs: options.maxAgeMs ?? 7 * 86_400_000,
      });
      const js = nc.jetstream();
      const kv = await js.views.kv(`${stream}_claims`, { history: 1, storage: StorageType.File });
      return new NatsBus(nc, js, jsm, kv, options);
    } catch (error) {
      await nc.close();
      throw error;
    }
  }

  async publish(messages: readonly BusMessage[]): Promise<void> {
    let next = 0;
    let failure: unknown;
    const lane = async () => {
      while (next < messages.length && failure === undefined) {
        const message = messages[next++] as BusMessage;
        await this.publishOne(message).catch((error) => {
          failure ??= error;
        });
      }
    };
    const lanes = Math.min(this.options.maxInFlight ?? 1_000, messages.length);
    await Promise.all(Array.from({ length: lanes }, lane));
    if (failure !== undefined) throw this.unavailable(failure);
  }

  async consume(options: ConsumeOptions): Promise<Subscription> {
    const consumer = new GroupConsumer({
      backend: this.backend,
      partitions: this.partitions,
      consume: options,
      onError: this.options.onError,
    });
    await consumer.start().catch((error) => {
      throw this.unavailable(error);
    });
    this.subscriptions.add(consumer);
    return consumer;
  }

  async deadLetters(group: string, limit = 1000): Promise<DeadLetter[]> {
    const { name } = await this.jsm.consumers.add(this.stream, {
      filter_subject: `${this.prefix}.dead.${group}`,
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.All,
      inactive_threshold: nanos(30_000),
    });
    try {
      const consumer = await this.js.consumers.get(this.stream, name);
      const pending = (await consumer.info()).num_pending;
      const letters: DeadLetter[] = [];
      if (pending === 0) return letters;
      for await (const m of await consumer.fetch({ max_messages: Math.min(limit, pending), expires: 2_000 })) {
        const h = (k: string) => decodeURIComponent(m.headers?.get(k) ?? '');
        letters.push({
          key: h(KEY_HEADER),
          id: h('Godwit-Id'),
          payload: m.data,
          partition: Number(h('Godwit-Partition')),
          position: Number(h('Godwit-Position')),
          attempts: Number(h('Godwit-Attempts')),
          reason: h('Godwit-Reason'),
        });
      }
      return letters;
    } finally {
      await this.jsm.consumers.delete(this.stream, name).catch(() => false);
    }
  }

  /** True when the server answers within `timeoutMs` (a round trip on the connection). */
  async ping(timeoutMs = 2_000): Promise<boolean> {
    if (this.nc.isClosed()) return false;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const answered = this.nc.flush().then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([answered, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Messages of `group` not yet acknowledged, per partition that has a reader (those of partitions
   * no one has opened yet are not counted): waiting plus delivered but unsettled.
   */
  async pending(group: string): Promise<Map<number, number>> {
    const lag = new Map<number, number>();
    const pattern = new RegExp(`^${group}-p(\\d+)-e\\d+$`);
    for await (const info of this.jsm.consumers.list(this.stream)) {
      const match = pattern.exec(info.name);
      if (match) lag.set(Number(match[1]), info.num_pending + info.num_ack_pending);
    }
    return lag;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    this.subscriptions.clear();
    if (!this.nc.isClosed()) await this.nc.close();
  }

  /** Deletes the stream and the claim bucket (tests and benchmarks). */
  async destroy(): Promise<void> {
    await this.jsm.streams.delete(this.stream).catch(() => false);
    await this.jsm.streams.delete(`KV_${this.stream}_claims`).catch(() => false);
  }

  private async publishOne(message: BusMessage): Promise<void> {
    const h = headers();
    h.set(KEY_HEADER, encodeURIComponent(message.key));
    const partition = partitionOf(message.key, this.partitions);
    const payload = typeof message.payload === 'string' ? encoder.encode(message.payload) : message.payload;
    await this.js.publish(`${this.prefix}.p.${partition}`, payload, {
      msgID: message.id,
      headers: h,
      timeout: this.options.publishTimeoutMs ?? 5_000,
    });
  }

  private async storeDeadLetters(group: string, letters: readonly DeadLetter[]): Promise<void> {
    await Promise.all(
      letters.map((letter) => {
        const h = headers();
        h.set(KEY_HEADER, encodeURIComponent(letter.key));
        h.set('Godwit-Id', encodeURIComponent(letter.id));
        h.set('Godwit-Partition', String(letter.partition));
        h.set('Godwit-Position', String(letter.position));
        h.set('Godwit-Attempts', String(letter.attempts));
        h.set('Godwit-Reason', encodeURIComponent(letter.reason));
        // Deduped by position: a dead letter stored again after a lost ack is stored once.
        return this.js.publish(`${this.prefix}.dead.${group}`, letter.payload, {
          msgID: `dead:${group}:${letter.position}`,
          headers: h,
        });
      }),
    );
  }

  private openPartition(o: {
    group: string;
    partition: number;
    epoch: number;
    batchSize: number;
  }): Promise<PartitionReader> {
    return openPartitionConsumer({
      ...o,
      js: this.js,
      jsm: this.jsm,
      stream: this.stream,
      subject: `${this.prefix}.p.${o.partition}`,
      ackWaitMs: this.options.ackWaitMs ?? 60_000,
    });
  }

  private unavailable(error: unknown): Error {
    const code = (error as { code?: string }).code;
    if (code === 'MAX_PAYLOAD_EXCEEDED') return error as Error;
    const reason = (error as Error)?.message ?? String(error);
    return new BusUnavailableError(`NATS at ${this.options.url} did not accept the messages: ${reason}`, {
      cause: error,
    });
  }
}
