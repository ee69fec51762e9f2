/**
 * The storage port. The core and services depend on this interface only; each adapter
 * (SQLite for the embedded runtime, PostgreSQL for scale-out) implements all of it.
 */

export type IdentityKind = 'user_id' | 'anonymous_id' | 'email' | 'phone';

export interface IdentityRecord {
  kind: IdentityKind;
  value: string;
  customerId: string;
}

/** One accepted event, ready to be appended to the event log. */
export interface NewEvent {
  workspaceId: string;
  messageId: string;
  type: string;
  event: string | null;
  userId: string | null;
  anonymousId: string | null;
  timestamp: number;
  receivedAt: number;
  /** The normalised Segment message as JSON text. */
  payload: string;
}

export interface StoredEvent extends NewEvent {
  seq: number;
  customerId: string | null;
}

export interface ProfileRecord {
  id: string;
  workspaceId: string;
  traits: Record<string, unknown>;
  /** When each trait was last set (event time), so older events never overwrite newer ones. */
  traitTimes: Record<string, number>;
  consent: Record<string, Record<string, ConsentEntry>>;
  timezone: string | null;
  locale: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface ConsentEntry {
  status: 'granted' | 'denied';
  at: number;
  source: string;
  /** A STOP keyword's denial keeps what it replaced (null: no choice), so START can put exactly that back. */
  replaced?: ConsentEntry | null;
}

export interface AuditRecord {
  id: string;
  workspaceId: string;
  action: 'merge' | 'refused_merge';
  fromCustomerId: string;
  intoCustomerId: string;
  reason: string;
  createdAt: number;
}

/** Everything one batch of identity resolution changes, written in one transaction. */
export interface ResolutionChange {
  upsertProfiles: ProfileRecord[];
  /** Applied in order: identities, events and audit rows of `from` move to `into`, then `from` is deleted. */
  merges: { workspaceId: string; from: string; into: string }[];
  upsertIdentities: (IdentityRecord & { workspaceId: string; createdAt: number })[];
  assignEvents: { seq: number; customerId: string }[];
  audit: AuditRecord[];
  /** Advanced only if `owner` still holds the lease; otherwise nothing in the change is written. */
  cursor: { name: string; position: number; owner: string };
}

export interface TimelinePage {
  events: StoredEvent[];
  /** Pass back as `before` to get the next (older) page; null at the end. */
  next: string | null;
}

export interface CustomerSearch {
  workspaceId: string;
  /** Matches an identifier exactly or a trait value by substring. */
  query?: string;
  trait?: { name: string; value: string };
  /** Continues the newest-first list: customers created before `at`, or at `at` with an id after `afterId`. */
  before?: { at: number; afterId: string };
  limit: number;
}

export interface KeyRecord {
  id: string;
  workspaceId: string;
  kind: 'write' | 'secret';
  label: string | null;
  createdAt: number;
}

export interface UserRecord {
  id: string;
  workspaceId: string;
  email: string;
  passwordHash: string;
  role: string;
  createdAt: number;
  /** The console language the admin chose; null or absent follows the browser. */
  locale?: string | null;
}

export interface CustomerExport {
  profile: ProfileRecord;
  identities: IdentityRecord[];
  events: StoredEvent[];
  audit: AuditRecord[];
  journeyRuns: RunRecord[];
  messages: OutboxRecord[];
}

import type { AccountStore } from './account-store.ts';
import type { ChannelStore } from './channel-store.ts';
import type { DecisionStore } from './decision-store.ts';
import type { DeliveryStore } from './delivery-store.ts';
import type { JourneyStore, OutboxRecord, RunRecord } from './journey-store.ts';
import type { NamedLocks } from './named-locks.ts';
import type { OverviewStore } from './overview-store.ts';
import type { SegmentStore } from './segment-store.ts';
import type { SubscriptionGroupStore } from './subscription-group-store.ts';
import type { SuppressionStore } from './suppression-store.ts';
import type { TemplateStore } from './template-store.ts';

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** Journeys, runs, timers and the outbox. */
  readonly journeys: JourneyStore;
  /** Segment definitions, memberships and re-evaluation timers. */
  readonly segments: SegmentStore;
  /** Message templates and their versions. */
  readonly templates: TemplateStore;
  /** Claiming outbox entries, their outcomes and delivery events. */
  readonly delivery: DeliveryStore;
  /** Encrypted workspace secrets and in-app messages waiting for their customer. */
  readonly channels: ChannelStore;
  /** Admin accounts and their console sessions. */
  readonly accounts: AccountStore;
  /** Aggregates for the console's overview. */
  readonly overview: OverviewStore;
  /** Addresses never to send to again (hard bounces, complaints). */
  readonly suppressions: SuppressionStore;
  readonly decisions: DecisionStore;
  /** Named consent topics a workspace offers (newsletter, product updates). */
  readonly subscriptionGroups: SubscriptionGroupStore;
  /** Named mutual exclusion among the processes on this store (a check and the change that relies on it). */
  readonly locks: NamedLocks;
  /** How many event appends may run at once (1 where the database has a single writer). */
  readonly writeConcurrency: number;

  migrate(): Promise<string[]>;
  close(): Promise<void>;

  // Workspaces, keys and users
  createWorkspace(workspace: { id: string; name: string; createdAt: number }): Promise<void>;
  listWorkspaces(): Promise<{ id: string; name: string; createdAt: number }[]>;
  insertKey(key: KeyRecord & { keyHash: string }): Promise<void>;
  findKeyByHash(keyHash: string): Promise<KeyRecord | undefined>;
  insertUser(user: UserRecord): Promise<void>;
  findUser(workspaceId: string, email: string): Promise<UserRecord | undefined>;

  // Event log
  /** Appends durably; an event whose (workspace, messageId) is already stored is skipped. Returns how many were new. */
  appendEvents(events: readonly NewEvent[]): Promise<number>;
  readEventsAfter(seq: number, limit: number): Promise<StoredEvent[]>;
  lastEventSeq(): Promise<number>;
  countEvents(workspaceId: string): Promise<number>;
  hasEvent(workspaceId: string, messageId: string): Promise<boolean>;

  // Profiles and identities
  findIdentities(workspaceId: string, values: readonly string[]): Promise<IdentityRecord[]>;
  loadProfiles(
    workspaceId: string,
    customerIds: readonly string[],
  ): Promise<{ profiles: ProfileRecord[]; identities: IdentityRecord[] }>;
  applyResolution(change: ResolutionChange): Promise<void>;
  getProfile(workspaceId: string, customerId: string): Promise<ProfileRecord | undefined>;
  identitiesOf(workspaceId: string, customerId: string): Promise<IdentityRecord[]>;
  timeline(options: { workspaceId: string; customerId: string; limit: number; before?: string }): Promise<TimelinePage>;
  searchCustomers(search: CustomerSearch): Promise<ProfileRecord[]>;
  countCustomers(workspaceId: string): Promise<number>;
  setConsent(workspaceId: string, customerId: string, consent: ProfileRecord['consent']): Promise<void>;

  // Privacy
  exportCustomer(workspaceId: string, customerId: string): Promise<CustomerExport | undefined>;
  /** Removes the customer and every row that holds their data. */
  deleteCustomer(workspaceId: string, customerId: string): Promise<boolean>;

  // Processing cursors with a lease, so one process at a time advances each cursor
  /** Takes the lease, or renews it once half has passed (heldPosition); the position, or undefined while another owns it. */
  acquireCursor(options: { name: string; owner: string; now: number; leaseMs: number }): Promise<number | undefined>;
  releaseCursor(name: string, owner: string): Promise<void>;
  readCursor(name: string): Promise<number>;
}
