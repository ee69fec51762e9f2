/**
 * The shapes of the API answers the console reads. Where the server has the type, it is imported from
 * there (type-only, so nothing of the server reaches the bundle): one source for API and console.
 */
import type { HoldoutReport } from '../../../decisioning/runtime/holdout-report.ts';
import type { MessageService, MessageSummary } from '../../../delivery/message-service.ts';
import type { SubscriptionGroupView } from '../../../delivery/subscriptions/subscription-group-service.ts';
import type { JourneyDetail, JourneySummary } from '../../../journeys/journey-service.ts';
import type { JourneyStats } from '../../../journeys/runtime/journey-stats.ts';
import type { DeliveryEventRecord } from '../../../storage/delivery-store.ts';
import type { PathEntry, RunSummary } from '../../../storage/journey-store.ts';
import type { ProfileRecord } from '../../../storage/store.ts';
import type { ConsoleUser } from '../../../workspaces/session-service.ts';

export type { ConsoleUser, HoldoutReport, JourneyDetail, JourneyStats, JourneySummary };
export type Profile = ProfileRecord;
export type PathStep = PathEntry;
export type Message = MessageSummary;
export type SubscriptionGroup = SubscriptionGroupView;
/** `GET /v1/messages/stats`: a channel whose delivery provider is failing now. */
export type FailingChannel = Awaited<ReturnType<MessageService['failingChannels']>>[number];

/** A timeline entry: a Segment message with its `seq`, or another kind (message, decision …) with a `type`. */
export interface TimelineEntry {
  type: string;
  seq?: number;
  timestamp?: string | number;
  event?: string;
  [field: string]: unknown;
}

export interface CustomerView {
  profile: Profile;
  identities: { kind: string; value: string }[];
  timeline: { events: TimelineEntry[]; next: string | null };
}

/** GET /v1/customers/:id/journeys: each run with its path. */
export type Run = RunSummary & { path: PathStep[] };

export interface MessageDetail extends Message {
  content: Record<string, unknown> | null;
  payload: unknown;
  events: DeliveryEventRecord[];
}
