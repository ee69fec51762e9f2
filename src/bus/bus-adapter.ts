import type { DeadLetter, Delivery } from './bus.ts';
import type { GroupState } from './group-assignment.ts';

/**
 * What an adapter provides so the shared group consumer (`group-consumer.ts`) can run on it:
 * a compare-and-set record per group, and a reader per partition incarnation. Internal to src/bus.
 */
export interface BusBackend {
  readonly claims: ClaimTable;
  /**
   * Opens the reader of one partition for `epoch`. A new epoch starts again from the partition's
   * ack floor: everything not acked (in flight at a dead owner, or waiting out a nak delay) is
   * delivered again, in log order, before newer messages.
   */
  openPartition(options: {
    group: string;
    partition: number;
    epoch: number;
    batchSize: number;
  }): Promise<PartitionReader>;
  /** Durably stores dead letters of `group`; resolves once they are accepted. */
  deadLetter(group: string, letters: readonly DeadLetter[]): Promise<void>;
}

export interface ClaimTable {
  /** The group's record and its version (0 when there is none yet). */
  read(group: string): Promise<{ state: GroupState; version: number }>;
  /** Writes the record if it is still at `version`; false when another consumer changed it first. */
  write(group: string, state: GroupState, version: number): Promise<boolean>;
}

export interface PartitionReader {
  /** The next deliveries in log order (at most `max`), waiting for some; [] once `signal` aborts. */
  next(max: number, signal: AbortSignal): Promise<Delivery[]>;
  /** Applies the outcomes of a handled batch (dead letters are already stored). */
  settle(settlements: readonly Settlement[]): Promise<void>;
  /** Stops reading; unsettled deliveries are left for the partition's next epoch. */
  close(): Promise<void>;
}

export type Settlement =
  | { delivery: Delivery; type: 'ack' | 'term' }
  | { delivery: Delivery; type: 'nak'; delayMs: number };

/** Group names become parts of subjects, keys and consumer names. */
export function checkGroupName(group: string): void {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(group)) {
    throw new Error(`bus group "${group}" must be 1-64 letters, digits, "_" or "-"`);
  }
}
