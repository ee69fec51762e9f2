import type { Bus, BusMessage } from '../bus/bus.ts';
import { JourneyBatch } from '../journeys/runtime/journey-batch.ts';
import { LeasedStage, type StageOptions } from '../shared/leased-stage.ts';
import type { Store, StoredEvent } from '../storage/store.ts';

/** How far the relay has published the event log to the bus. */
export const RELAY_CURSOR = 'bus-relay';

export interface BusRelayOptions extends StageOptions {
  store: Store;
  bus: Bus;
  batchSize?: number;
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
export class BusRelay extends LeasedStage {
  constructor(private readonly options: BusRelayOptions) {
    super('bus relay', { idleMs: 100, minShare: 0.2, ...options }, [RELAY_CURSOR]);
  }

  /** Publishes every resolved event not yet published; for tests. */
  drain(): Promise<number> {
    return this.loop.drain(() => this.slice());
  }

  protected async slice(): Promise<number> {
    const { store, clock, owner, bus } = this.options;
    const leaseMs = this.options.leaseMs ?? 5_000;
    const position = await store.acquireCursor({ name: RELAY_CURSOR, owner, now: clock.now(), leaseMs });
    if (position === undefined) return 0;
    this.processedSeq = position;
    const profiled = await this.options.profiledUpTo();
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
    this.processedSeq = last.seq;
    return events.length;
  }
}
