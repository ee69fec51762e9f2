/** The data a run carries between steps, and what a step can be asked to do. All plain JSON. */

export type Properties = Readonly<Record<string, unknown>>;

/** The segments a customer is in: segment id → since when (ms). Conditions read `segments.<id>`. */
export type SegmentMemberships = Readonly<Record<string, number>>;

/** The customer as the run sees them when it starts; `event` inputs may refresh the traits. */
export interface CustomerSnapshot {
  readonly id: string;
  readonly traits: Properties;
  /** IANA zone; null or invalid falls back to the journey's zone, then UTC. */
  readonly timezone: string | null;
  /** When the runtime has them; absent means none known. */
  readonly segments?: SegmentMemberships;
}

export interface EventSnapshot {
  readonly event: string;
  readonly properties: Properties;
  readonly timestamp: number;
  readonly messageId?: string;
}

/** What started the run: the event for event triggers; otherwise `event` is null and properties
 * carry what the trigger knows (API payload, segment name, date trait value). */
export interface TriggerSnapshot {
  readonly event: string | null;
  readonly properties: Properties;
  readonly timestamp: number;
}

/** Where a suspended run is parked. The timer id is the only timer a run listens to. */
export interface Waiting {
  readonly kind: 'timer' | 'event';
  readonly nodeId: string;
  readonly visit: number;
  readonly timerId: string;
  readonly dueAt: number;
}

export type Outcome = 'completed' | 'converted' | 'exited' | 'errored';

export interface RunState {
  readonly runId: string;
  readonly journeyId: string;
  /** Runs finish on the version they started on, even after the journey is edited. */
  readonly version: number;
  readonly customerId: string;
  /** Between steps a run is always parked at a wait or finished. */
  readonly status: 'waiting' | 'finished';
  readonly outcome: Outcome | null;
  readonly startedAt: number;
  readonly updatedAt: number;
  readonly timezone: string;
  readonly traits: Properties;
  /** The customer's segments as last passed in (absent in runs stored before segments were carried). */
  readonly segments?: SegmentMemberships;
  readonly trigger: TriggerSnapshot;
  /** The last event a wait_for_event matched; conditions read it as `event.*`. */
  readonly lastEvent: EventSnapshot | null;
  /** How many times each node was entered: the `visit` in idempotency keys. */
  readonly visits: Readonly<Record<string, number>>;
  /** The branch taken at each random split, so conversions are counted per branch. */
  readonly splits: Readonly<Record<string, string>>;
  readonly waiting: Waiting | null;
}

export type StepInput =
  | {
      readonly type: 'start';
      readonly runId: string;
      readonly customer: CustomerSnapshot;
      readonly trigger: TriggerSnapshot;
    }
  | {
      readonly type: 'timer_fired';
      readonly timerId: string;
      /** The customer's segments now, when the runtime has them. */
      readonly segments?: SegmentMemberships;
    }
  /** Someone ended the run by hand (API or console). */
  | { readonly type: 'cancel'; readonly reason: string }
  | {
      readonly type: 'event';
      readonly event: EventSnapshot;
      /** The customer's traits now, when the runtime has them; conditions read these from here on. */
      readonly traits?: Properties;
      /** The customer's segments now, when the runtime has them. */
      readonly segments?: SegmentMemberships;
    };
