import {
  AckPolicy,
  type ConsumerInfo,
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  nanos,
} from 'nats';
import type { Delivery } from './bus.ts';
import type { PartitionReader, Settlement } from './bus-adapter.ts';

export const KEY_HEADER = 'Godwit-Key';

export interface PartitionConsumerSpec {
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
  subject: string;
  /** `<group>-p<partition>-e<epoch>`; older epochs share the prefix before `e`. */
  group: string;
  partition: number;
  epoch: number;
  batchSize: number;
  ackWaitMs: number;
}

const consumerName = (group: string, partition: number, epoch: number) => `${group}-p${partition}-e${epoch}`;

/**
 * Creates the durable consumer of one partition's epoch, starting at the ack floor of the newest
 * older epoch, and deletes the older ones. A fresh consumer per owner (rather than one shared
 * durable) is what keeps order across a failover: JetStream would hand a new owner newer messages
 * while the dead owner's were still waiting out their ack wait, and a dead owner's late acks land
 * on a deleted consumer instead of acking a message the new owner is working on.
 */
export async function openPartitionConsumer(spec: PartitionConsumerSpec): Promise<PartitionReader> {
  const { jsm, stream, group, partition, epoch } = spec;
  const name = consumerName(group, partition, epoch);
  const prefix = `${group}-p${partition}-e`;
  const older: { epoch: number; info: ConsumerInfo }[] = [];
  let current: ConsumerInfo | undefined;
  for await (const info of jsm.consumers.list(stream)) {
    if (!info.name.startsWith(prefix)) continue;
    const e = Number(info.name.slice(prefix.length));
    if (e === epoch) current = info;
    else if (e < epoch) older.push({ epoch: e, info });
  }
  if (!current) {
    const previous = older.sort((a, b) => b.epoch - a.epoch)[0]?.info;
    const start = previous
      ? Math.max(previous.ack_floor.stream_seq + 1, previous.config.opt_start_seq ?? 1)
      : undefined;
    await jsm.consumers.add(stream, {
      durable_name: name,
      ack_policy: AckPolicy.Explicit,
      filter_subject: spec.subject,
      ...(start === undefined
        ? { deliver_policy: DeliverPolicy.All }
        : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start }),
      ack_wait: nanos(spec.ackWaitMs),
      // A batch in hand and one prefetched: bounds what a consumer holds unacked.
      max_ack_pending: spec.batchSize * 2,
      // Attempts are counted here and dead-lettered by the consumer; the server never drops one silently.
      max_deliver: -1,
    });
  }
  for (const { info } of older) await jsm.consumers.delete(stream, info.name).catch(() => false);
  const consumer = await spec.js.consumers.get(stream, name);
  const reader = new NatsPartitionReader(partition);
  reader.attach(
    await consumer.consume({
      max_messages: spec.batchSize,
      abort_on_missing_resource: true,
      callback: (m) => reader.push(m),
    }),
  );
  return reader;
}

class NatsPartitionReader implements PartitionReader {
  private buffer: JsMsg[] = [];
  private readonly inHand = new Map<number, JsMsg>();
  private wakeUp: (() => void) | undefined;
  private messages: ConsumerMessages | undefined;
  private ended: Error | undefined;

  constructor(private readonly partition: number) {}

  attach(messages: ConsumerMessages): void {
    this.messages = messages;
    void messages.closed().then((error) => {
      this.ended = error instanceof Error ? error : new Error('the partition consumer stopped');
      this.wakeUp?.();
    });
  }

  push(m: JsMsg): void {
    // Redelivered after the ack wait while still in hand: the ack of the one in hand settles both.
    if (this.inHand.has(m.seq)) return;
    this.buffer.push(m);
    this.wakeUp?.();
  }

  async next(max: number, signal: AbortSignal): Promise<Delivery[]> {
    while (this.buffer.length === 0 && !signal.aborted) {
      if (this.ended) throw this.ended;
      await new Promise<void>((resolve) => {
        const done = () => {
          signal.removeEventListener('abort', done);
          this.wakeUp = undefined;
          resolve();
        };
        this.wakeUp = done;
        signal.addEventListener('abort', done);
      });
    }
    if (signal.aborted) return [];
    const taken = this.buffer.splice(0, max);
    return taken.map((m) => {
      this.inHand.set(m.seq, m);
      return this.toDelivery(m);
    });
  }

  async settle(settlements: readonly Settlement[]): Promise<void> {
    for (const s of settlements) {
      const m = this.inHand.get(s.delivery.position);
      this.inHand.delete(s.delivery.position);
      if (!m) continue;
      if (s.type === 'nak') m.nak(s.delayMs);
      else if (s.type === 'term') m.term();
      else m.ack();
    }
  }

  async close(): Promise<void> {
    // Whatever is unsettled stays pending on this epoch's consumer; the next owner's epoch starts from the ack floor.
    this.buffer = [];
    this.inHand.clear();
    await this.messages?.close();
  }

  private toDelivery(m: JsMsg): Delivery {
    return {
      key: decodeURIComponent(m.headers?.get(KEY_HEADER) ?? ''),
      id: m.headers?.get('Nats-Msg-Id') ?? '',
      payload: m.data,
      partition: this.partition,
      position: m.seq,
      attempt: m.info.deliveryCount,
    };
  }
}
