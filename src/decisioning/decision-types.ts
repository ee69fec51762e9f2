import type { Channel, MessageClass } from '../delivery/channel-choice.ts';
import type { BetaPrior, EngagementCounts } from './beta-model.ts';

/**
 * The inputs and the answer of `decide`, as plain data. The runtime loads a `DecisionContext`
 * per customer; the core reads nothing else.
 */

export const HOURS_OF_WEEK = 168;

export interface DecisionRequest {
  /** An id for the send (the outbox key); collisions and explanations name it. */
  readonly id: string;
  readonly messageClass: MessageClass;
  readonly channel: Channel | 'best';
  /** `now`, or the best slot within the window (`windowMs` from now). */
  readonly timing: { readonly type: 'now' } | { readonly type: 'best_time'; readonly windowMs: number };
  /** Held past this instant, the send is dropped instead (stale offers, expired codes). */
  readonly notAfter?: number;
}

/** What the runtime knows about one channel for this customer. */
export interface ChannelStatus {
  readonly channel: Channel;
  /** Consent for the message's class (topic), as `consentStatus` reads it. */
  readonly consented: boolean;
  /** An address exists (email, E.164 phone, push subscription…). */
  readonly reachable: boolean;
  /** Not bounced, not marked undeliverable. */
  readonly suppressed?: boolean;
  /** The channel's provider is not failing (its circuit breaker has not opened: `delivery/channel-health.ts`). */
  readonly providerHealthy: boolean;
  /** Any other reason the channel cannot be used, in words (a topic's consent, from the channel choice). */
  readonly blocked?: string;
}

/** Per-slot counts, index = hour of week in the customer's zone (0 = Sunday 00:00). */
export interface HourlyCounts {
  readonly sends: ArrayLike<number>;
  readonly responses: ArrayLike<number>;
}

export interface CustomerEngagement {
  readonly channels: Partial<Readonly<Record<Channel, EngagementCounts>>>;
  readonly hours?: HourlyCounts;
}

/** Fitted nightly from everyone's counts (`fitBetaPrior`, `populationHours`). */
export interface PopulationModel {
  readonly channels: Partial<Readonly<Record<Channel, BetaPrior>>>;
  /**
   * The population's response rate per hour of week (length 168) per channel
   * (`populationHourRates` of that channel's counts). Per channel, because pooled rates confound
   * hour with channel: SMS never goes out at night, so night would look like email's rate.
   */
  readonly hourRates?: Partial<Readonly<Record<Channel, ArrayLike<number>>>>;
}

export interface RecentEvent {
  readonly name: string;
  readonly at: number;
  readonly properties?: Readonly<Record<string, unknown>>;
}

/** A send already made or scheduled for this customer (from the outbox). */
export interface KnownSend {
  readonly id: string;
  /** The journey that sends it, so an explanation can name it rather than its outbox key. */
  readonly journeyId?: string;
  readonly channel: Channel;
  readonly messageClass: MessageClass;
  readonly at: number;
}

export interface DecisionContext {
  readonly customerId: string;
  readonly timeZone: string;
  readonly traits: Readonly<Record<string, unknown>>;
  /** Segment ids the customer is in now. */
  readonly segments: readonly string[];
  readonly preferredChannel?: Channel;
  readonly channels: readonly ChannelStatus[];
  readonly engagement: CustomerEngagement;
  readonly population: PopulationModel;
  /** Events named by the policy's rules, newest last, within `policyRequirements().eventLookbackMs`. */
  readonly recentEvents: readonly RecentEvent[];
  /** Sends made within the last week (caps) and sends scheduled ahead (collisions). */
  readonly sends: readonly KnownSend[];
}

export interface ChannelScore {
  readonly channel: Channel;
  readonly preferred: boolean;
  readonly prior: BetaPrior;
  readonly sends: number;
  readonly responses: number;
  readonly posteriorMean: number;
  readonly sample: number;
  readonly cost: number;
  readonly score: number;
}

export interface SlotScore {
  readonly at: number;
  readonly hourOfWeek: number;
  readonly populationRate: number;
  readonly sends: number;
  readonly responses: number;
  readonly rate: number;
}

/** Why, with the numbers behind it. */
export type Reason =
  | { readonly code: 'holdout'; readonly bucket: number; readonly percent: number }
  | { readonly code: 'suppression_rule'; readonly rule: string; readonly matched: readonly string[] }
  | { readonly code: 'channel_ineligible'; readonly channel: Channel; readonly why: readonly string[] }
  /** The channel's provider is failing, but no other channel can go: the outbox retries it. */
  | { readonly code: 'provider_unhealthy'; readonly channel: Channel }
  | { readonly code: 'no_channel'; readonly tried: readonly Channel[] }
  | { readonly code: 'fixed_channel'; readonly channel: Channel }
  | { readonly code: 'channel_scores'; readonly chosen: Channel; readonly scores: readonly ChannelScore[] }
  | {
      readonly code: 'best_time';
      readonly chosen: SlotScore;
      readonly slots: readonly SlotScore[];
      readonly by: string;
    }
  | {
      readonly code: 'quiet_hours';
      readonly channel: Channel;
      readonly from: string;
      readonly to: string;
      readonly timeZone: string;
      readonly heldUntil: number;
    }
  | { readonly code: 'quiet_hours_allowed'; readonly channel: Channel; readonly from: string; readonly to: string }
  | {
      readonly code: 'frequency_cap';
      readonly channel: Channel | 'all';
      readonly per: 'day' | 'week';
      readonly max: number;
      readonly count: number;
      readonly heldUntil: number;
    }
  | {
      readonly code: 'collision';
      readonly with: string;
      readonly withJourney?: string;
      readonly withClass: MessageClass;
      readonly at: number;
      readonly action: 'delay' | 'drop' | 'wins';
      readonly heldUntil?: number;
    }
  | { readonly code: 'rerouted'; readonly from: Channel; readonly to: Channel; readonly why: string }
  | { readonly code: 'past_deadline'; readonly notAfter: number; readonly wouldSendAt: number };

export type Decision =
  | {
      readonly outcome: 'send' | 'delay';
      readonly requestId: string;
      readonly channel: Channel;
      /** `now` for `send`; the moment to send for `delay`. */
      readonly at: number;
      readonly rerouted: boolean;
      /** Scheduled lower-class sends this one beats: the runtime delays or drops them by policy. */
      readonly preempts: readonly { readonly id: string; readonly action: 'delay' | 'drop' }[];
      readonly reasons: readonly Reason[];
    }
  | { readonly outcome: 'suppress'; readonly requestId: string; readonly reasons: readonly Reason[] };
