import type { PopulationMoments } from '../decisioning/beta-model.ts';
import type { OutboxRecord } from './journey-store.ts';

/**
 * The part of the storage port the decision engine uses: the workspace's policy, what `decide`
 * needs about a batch of customers (one query per kind), engagement counters and the population's
 * aggregates the nightly prior is fitted from.
 */

export interface StoredPolicy {
  readonly workspaceId: string;
  /** The policy as applied (validated JSON). */
  readonly policy: Record<string, unknown>;
  readonly updatedAt: number;
}

/** A message to the customer made or planned (the outbox), as caps and collisions see it. */
export interface SendRow {
  readonly customerId: string;
  readonly idempotencyKey: string;
  /** The journey that queued it (null: sent some other way). */
  readonly journeyId: string | null;
  readonly channel: string;
  readonly messageClass: string;
  /** When it went or goes out: a scheduled one's planned time, else when it was sent or queued. */
  readonly at: number;
  /** Held (`scheduled`): it goes when its timer fires and it is decided again, which may be after `at`. */
  readonly scheduled: boolean;
}

export interface EngagementRow {
  readonly customerId: string;
  readonly channel: string;
  readonly hourOfWeek: number;
  readonly sends: number;
  readonly responses: number;
}

export interface EngagementIncrement extends EngagementRow {
  readonly workspaceId: string;
}

/** A response (open, click, reply) to one message, credited once per message. */
export interface EngagementResponse {
  readonly workspaceId: string;
  readonly idempotencyKey: string;
  readonly customerId: string;
  readonly channel: string;
  readonly hourOfWeek: number;
  readonly at: number;
}

export interface RecentEventRow {
  readonly customerId: string;
  readonly name: string;
  readonly at: number;
  readonly properties: Record<string, unknown>;
}

/** Per channel: the per-customer moments (see `PopulationMoments`) and the sends and responses per hour of week. */
export interface PopulationAggregates {
  readonly channels: readonly (PopulationMoments & { readonly channel: string })[];
  readonly hours: readonly {
    readonly channel: string;
    readonly hourOfWeek: number;
    readonly sends: number;
    readonly responses: number;
  }[];
}

export interface DecisionStore {
  getPolicy(workspaceId: string): Promise<StoredPolicy | undefined>;
  putPolicy(policy: StoredPolicy): Promise<void>;
  /**
   * Messages of these customers that went or go at `since` or later (suppressed ones are not sends),
   * among those queued since `queuedSince` (a range on the customer's outbox index).
   */
  recentSends(query: {
    workspaceId: string;
    customerIds: readonly string[];
    since: number;
    queuedSince: number;
  }): Promise<SendRow[]>;
  engagementOf(workspaceId: string, customerIds: readonly string[]): Promise<EngagementRow[]>;
  /** Events of these names since `since`, oldest first. */
  recentEvents(query: {
    workspaceId: string;
    customerIds: readonly string[];
    names: readonly string[];
    since: number;
  }): Promise<RecentEventRow[]>;
  /** The distinct customers with a track event named `event` at `since` or later and before `until`. */
  convertedCustomers(query: { workspaceId: string; event: string; since: number; until: number }): Promise<string[]>;
  /** Adds one response per message (a second call for the same message changes nothing); true when counted. */
  countResponse(response: EngagementResponse): Promise<boolean>;
  population(workspaceId: string): Promise<PopulationAggregates>;
  /** Outbox entries still `scheduled` by these keys (a decision timer fired for each). */
  scheduledMessages(workspaceId: string, keys: readonly string[]): Promise<OutboxRecord[]>;
}
