import type { Logger } from 'pino';
import type { Bus, BusMessage } from '../bus/bus.ts';
import { JourneyBatch } from '../journeys/runtime/journey-batch.ts';
import { PROFILE_CURSOR } from '../profiles/profile-processor.ts';
import { BackgroundLoop } from '../shared/background-loop.ts';
import type { Clock } from '../shared/clock.ts';
import type { Store, StoredEvent } from '../storage/store.ts';

/** How far the relay has published the event log to the bus. */
export const RELAY_CURSOR = 'bus-relay';

export interface BusRelayOptions {
  store: Store;
  bus: Bus;
  clock: Clock;
  owner: string;
  logger?: Logger;
  batchSize?: number;
  leaseMs?: number;
}

/** The partition key of an event: its customer, known once the profile processor has resolved it. */
export const busKeyOf = (event: StoredEvent): string | null => event.customerId;

/**
 * Publishes the event log to the bus, in log order, from a cursor held under a lease (one relay
 * at a time). Only events the profile processor has resolved are published, keyed by customer,
 * so a customer's anonymous and identified events land in one partition. The cursor moves only
 * after the bus has stored a batch: with NATS down the events wait in the store (the API's 200
 * already meant they were committed) and go out when it is back. A batch published again after a
 * crash is dropped by the bus's dedupe (`Nats-Msg-Id` = workspace:messageId) and, past its
 * window, by the consumers' per-partition position.
 */
export class BusRelay {
  private readonly loop: BackgroundLoop;
  private position = 0;

  constructor(private readonly options: BusRelayOptions) {
    this.loop = new BackgroundLoop({
      name: 'bus relay',
      work: () => this.slice(),
      idleMs: 100,
      minShare: 0.2,
      logger: options.logger,
    });
  }

  start(): void {
    this.loop.start();
  }

  notify(): void {
    this.loop.notify();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.options.store.releaseCursor(RELAY_CURSOR, this.options.owner);
  }

  /** Publishes every resolved event not yet published; for tests. */
  drain(): Promise<number> {
    return this.loop.drain(() => this.slice());
  }

  /** The last log position published, as this process last saw it. */
  get published(): number {
    return this.position;
  }

  private async slice(): Promise<number> {
    const { store, clock, owner, bus } = this.options;
    const leaseMs = this.options.leaseMs ?? 5_000;
    const position = await store.acquireCursor({ name: RELAY_CURSOR, owner, now: clock.now(), leaseMs });
    if (position === undefined) return 0;
    this.position = position;
    const profiled = await store.readCursor(PROFILE_CURSOR);
    if (profiled <= position) return 0;
    const events = (await store.readEventsAfter(position, this.options.batchSize ?? 2_000)).filter(
      (e) => e.seq <= profiled,
    );
    const last = events.at(-1);
    if (!last) return 0;
    const messages: BusMessage[] = [];
    for (const event of events) {
      const key = busKeyOf(event);
      if (key !== null)
        messages.push({ key, id: `${event.workspaceId}:${event.messageId}`, payload: JSON.stringify(event) });
    }
    await bus.publish(messages);
    // The journey store's change, empty but for the cursor: one fenced cursor move in a transaction.
    const cursor = { name: RELAY_CURSOR, position: last.seq, owner };
    await store.journeys.applyJourneyChange(new JourneyBatch(clock.now()).change(cursor));
    this.position = last.seq;
    return events.length;
  }
}
