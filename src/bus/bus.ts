import { GodwitError } from '../shared/errors.ts';

/**
 * The bus port: an append-only log partitioned by key, read by consumer groups. In a group each
 * partition is owned by one consumer at a time, so the messages of one key (one customer) are
 * handled in order by one worker. Adapters: in-process (embedded runtime) and NATS JetStream
 * (scale-out). No driver type crosses this file.
 */
export interface Bus {
  /** How many partitions keys are spread over; fixed for the life of a stream. */
  readonly partitions: number;
  /**
   * Appends messages; resolves once every one is durably accepted (a duplicate `id` within the
   * dedupe window counts as accepted and is stored once). Rejects with `BusUnavailableError` when
   * the bus cannot be reached, in which case some of the messages may have been accepted: publish
   * again with the same ids.
   */
  publish(messages: readonly BusMessage[]): Promise<void>;
  /** Joins `group` and starts handling the partitions this consumer comes to own. */
  consume(options: ConsumeOptions): Promise<Subscription>;
  /** Messages of `group` that used up their attempts or were terminated, oldest first. */
  deadLetters(group: string, limit?: number): Promise<DeadLetter[]>;
  /** Closes every subscription (as `Subscription.close()`) and the connection. */
  close(): Promise<void>;
}

export interface BusMessage {
  /** Partition key: every message of one key lands in one partition, in publish order. */
  key: string;
  /** Dedupe id (an event's messageId): the same id again within the dedupe window is dropped. */
  id: string;
  payload: Uint8Array | string;
}

/** A message as handed to a consumer. */
export interface Delivery {
  key: string;
  id: string;
  payload: Uint8Array;
  partition: number;
  /** Position in the log; increases with publish order within a partition. */
  position: number;
  /** 1 on the first delivery, counting redeliveries after a nak, a failed handler or a lost owner. */
  attempt: number;
}

export type Outcome =
  /** Done: never delivered to this group again. */
  | { type: 'ack' }
  /** Try again after `delayMs`; after the last attempt the message is dead-lettered instead. */
  | { type: 'nak'; delayMs?: number }
  /** Give up now: the message goes to the dead letters with `reason`. */
  | { type: 'term'; reason?: string };

/**
 * Handles one partition's batch, in log order; returns one outcome per delivery, or nothing to ack
 * them all. A throw naks the whole batch. `signal` aborts when the consumer lost the partition
 * (its lease lapsed): outcomes returned after that are dropped, as the new owner redelivers.
 */
export type BatchHandler = (
  batch: readonly Delivery[],
  context: {
    partition: number;
    /** This ownership of the partition: a store write can be fenced on it (reject a lower epoch). */
    epoch: number;
    signal: AbortSignal;
  },
) => Promise<readonly Outcome[] | undefined>;

export interface ConsumeOptions {
  /** Consumers with the same group share its partitions and each message is handled by one of them. */
  group: string;
  handler: BatchHandler;
  /** The partitions this consumer may own (default all); ownership among the group is balanced. */
  partitions?: readonly number[];
  /** Deliveries before a nak'd or failing message goes to the dead letters (default 5). */
  maxAttempts?: number;
  /** Most deliveries per handler call (default 500). */
  batchSize?: number;
  /** Handler calls in flight at once over all owned partitions (default 4). */
  concurrency?: number;
  /** Delay before redelivering a batch whose handler threw (default 1,000 ms). */
  retryDelayMs?: number;
  /** How long a partition stays owned without a renewal (default 5,000 ms); a dead worker's pass on after it. */
  leaseMs?: number;
  /** Names this consumer in ownership records (default a random id). */
  consumerId?: string;
}

export interface Subscription {
  readonly consumerId: string;
  /** The partitions this consumer owns right now. */
  owned(): number[];
  /**
   * Stops taking work, waits up to `timeoutMs` (default unlimited) for batches in flight to finish
   * and settle, then releases the partitions so others take them at once. Batches still running at
   * the deadline are abandoned: their outcomes are dropped and their partitions are left to lapse,
   * so no other consumer starts on them while they may still be running.
   */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

export interface DeadLetter {
  key: string;
  id: string;
  payload: Uint8Array;
  partition: number;
  position: number;
  attempts: number;
  reason: string;
}

/** The bus cannot be reached; the API answers 503 and the client retries with the same ids. */
export class BusUnavailableError extends GodwitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unavailable', message);
    this.name = 'BusUnavailableError';
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const encoder = new TextEncoder();

/**
 * The partition of a key: 32-bit FNV-1a over its UTF-8 bytes, modulo `partitions`. Stable across
 * processes, versions and adapters; changing it (or the partition count of a stream) would move
 * customers between partitions and break their order, so it is pinned by a test.
 */
export function partitionOf(key: string, partitions: number): number {
  let hash = FNV_OFFSET;
  for (const byte of encoder.encode(key)) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME) >>> 0;
  }
  return hash % partitions;
}

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_BATCH_SIZE = 500;
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_RETRY_DELAY_MS = 1_000;
export const DEFAULT_LEASE_MS = 5_000;
