import { type BusMessage, type DeadLetter, type Delivery, partitionOf } from './bus.ts';
import type { BusBackend, ClaimTable, PartitionReader, Settlement } from './bus-adapter.ts';
import { emptyGroupState, type GroupState } from './group-assignment.ts';

interface StoredMessage {
  key: string;
  id: string;
  payload: Uint8Array;
  partition: number;
  position: number;
}

/** A group's progress through one partition. */
interface Cursor {
  epoch: number;
  /** Index of the next message never delivered to the group. */
  next: number;
  /** Delivered and not yet acked or terminated, by position. */
  unacked: Map<number, { message: StoredMessage; inFlight: boolean; dueAt: number }>;
  attempts: Map<number, number>;
}

const encoder = new TextEncoder();

/**
 * The in-memory log behind `InProcessBus`: partitions, the dedupe window, group records, cursors
 * and dead letters. It lives as long as the process: in the embedded runtime the store's event log
 * is the durable record and this only carries work between stages of one process.
 */
export class InProcessLog implements BusBackend, ClaimTable {
  readonly claims: ClaimTable = this;
  private readonly messages: StoredMessage[][];
  private readonly seen = new Map<string, number>();
  private readonly groups = new Map<string, { state: GroupState; version: number }>();
  private readonly cursors = new Map<string, Cursor>();
  private readonly dead = new Map<string, DeadLetter[]>();
  private readonly waiters: Set<() => void>[];
  private position = 0;

  constructor(
    readonly partitions: number,
    private readonly options: { dedupeWindowMs: number; now: () => number },
  ) {
    this.messages = Array.from({ length: partitions }, () => []);
    this.waiters = Array.from({ length: partitions }, () => new Set());
  }

  append(batch: readonly BusMessage[]): void {
    const now = this.options.now();
    for (const [id, until] of this.seen) {
      if (until > now) break; // insertion order is expiry order: the rest are younger
      this.seen.delete(id);
    }
    for (const { key, id, payload } of batch) {
      if (this.seen.has(id)) continue;
      this.seen.set(id, now + this.options.dedupeWindowMs);
      const partition = partitionOf(key, this.partitions);
      const bytes = typeof payload === 'string' ? encoder.encode(payload) : payload.slice();
      this.messages[partition]?.push({ key, id, payload: bytes, partition, position: ++this.position });
      this.wake(partition);
    }
  }

  async read(group: string): Promise<{ state: GroupState; version: number }> {
    return structuredClone(this.groups.get(group) ?? { state: emptyGroupState(), version: 0 });
  }

  async write(group: string, state: GroupState, version: number): Promise<boolean> {
    if ((this.groups.get(group)?.version ?? 0) !== version) return false;
    this.groups.set(group, { state: structuredClone(state), version: version + 1 });
    return true;
  }

  async deadLetter(group: string, letters: readonly DeadLetter[]): Promise<void> {
    const list = this.dead.get(group) ?? [];
    list.push(...letters);
    this.dead.set(group, list);
  }

  deadLetters(group: string, limit: number): DeadLetter[] {
    return (this.dead.get(group) ?? []).slice(0, limit);
  }

  async openPartition(options: { group: string; partition: number; epoch: number }): Promise<PartitionReader> {
    const id = `${options.group}/${options.partition}`;
    const cursor = this.cursors.get(id) ?? { epoch: 0, next: 0, unacked: new Map(), attempts: new Map() };
    // A new owner: what the last one held in flight or was waiting out a delay is due now.
    for (const entry of cursor.unacked.values()) Object.assign(entry, { inFlight: false, dueAt: 0 });
    cursor.epoch = options.epoch;
    this.cursors.set(id, cursor);
    return new InProcessReader(this, cursor, options);
  }

  /** Due redeliveries first, then new messages, all in log order; marks them in flight. */
  take(cursor: Cursor, partition: number, max: number): { deliveries: Delivery[]; waitMs: number } {
    const now = this.options.now();
    let nextDue = Number.POSITIVE_INFINITY;
    const picked: StoredMessage[] = [];
    const due = [...cursor.unacked.entries()].filter(([, e]) => !e.inFlight).sort(([a], [b]) => a - b);
    for (const [, entry] of due) {
      if (entry.dueAt > now) nextDue = Math.min(nextDue, entry.dueAt);
      else if (picked.length < max) picked.push(entry.message);
    }
    const log = this.messages[partition] ?? [];
    while (picked.length < max && cursor.next < log.length) picked.push(log[cursor.next++] as StoredMessage);
    const deliveries = picked.map((message) => {
      const attempt = (cursor.attempts.get(message.position) ?? 0) + 1;
      cursor.attempts.set(message.position, attempt);
      cursor.unacked.set(message.position, { message, inFlight: true, dueAt: 0 });
      const { key, id, payload, position } = message;
      return { key, id, payload, partition, position, attempt };
    });
    return { deliveries, waitMs: Math.max(0, Math.min(1_000, nextDue - now)) };
  }

  settle(cursor: Cursor, settlements: readonly Settlement[]): void {
    const now = this.options.now();
    for (const s of settlements) {
      const entry = cursor.unacked.get(s.delivery.position);
      if (!entry) continue;
      if (s.type === 'nak') Object.assign(entry, { inFlight: false, dueAt: now + s.delayMs });
      else {
        cursor.unacked.delete(s.delivery.position);
        cursor.attempts.delete(s.delivery.position);
      }
    }
  }

  /** Resolves on the next append to `partition`. */
  waitForAppend(partition: number, signal: AbortSignal, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiters[partition] as Set<() => void>;
      const done = () => {
        set.delete(done);
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      set.add(done);
      signal.addEventListener('abort', done);
    });
  }

  private wake(partition: number): void {
    for (const waiter of [...(this.waiters[partition] ?? [])]) waiter();
  }
}

class InProcessReader implements PartitionReader {
  constructor(
    private readonly log: InProcessLog,
    private readonly cursor: Cursor,
    private readonly options: { partition: number; epoch: number },
  ) {}

  async next(max: number, signal: AbortSignal): Promise<Delivery[]> {
    while (!signal.aborted && this.cursor.epoch === this.options.epoch) {
      const { deliveries, waitMs } = this.log.take(this.cursor, this.options.partition, max);
      if (deliveries.length > 0) return deliveries;
      await this.log.waitForAppend(this.options.partition, signal, waitMs);
    }
    return [];
  }

  async settle(settlements: readonly Settlement[]): Promise<void> {
    // A reader of an older epoch settles nothing: its partition moved on without it.
    if (this.cursor.epoch === this.options.epoch) this.log.settle(this.cursor, settlements);
  }

  async close(): Promise<void> {}
}
