import type { SegmentDefinition } from '../segments/segment-schema.ts';
import type { NewEvent } from './store.ts';

/** The part of the storage port that segments use: definitions, memberships and re-evaluation timers. */

export interface SegmentRecord {
  workspaceId: string;
  id: string;
  name: string;
  definition: SegmentDefinition;
  /** Bumped on every save. */
  version: number;
  /** How far the re-evaluation of every customer has got ('' = not started); null when there is none to do. */
  backfillAfter: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface MembershipRecord {
  workspaceId: string;
  segmentId: string;
  customerId: string;
  since: number;
}

export interface SegmentTimerRecord {
  workspaceId: string;
  segmentId: string;
  customerId: string;
  dueAt: number;
}

/** What one evaluation of one customer for one segment changes. */
export interface PairUpdate {
  workspaceId: string;
  segmentId: string;
  customerId: string;
  /** true: one membership row with `since` (replacing any); false: no row; undefined: unchanged. */
  member?: boolean;
  since?: number;
  /** The one timer of the pair (replacing any), null for none; undefined: unchanged. */
  timer?: number | null;
}

/** Everything one batch of segment evaluations changes, written in one transaction. */
export interface SegmentChange {
  /** Updates of segments deleted meanwhile are dropped. */
  pairs: PairUpdate[];
  /** Timeline entries (Segment Entered / Left); skipped when their messageId is already stored. */
  events: NewEvent[];
  /** Progress of a re-evaluation of every customer; ignored if the segment was saved again meanwhile. */
  backfill?: { workspaceId: string; segmentId: string; version: number; after: string | null };
  /** Checked (and set to `position`) only if `owner` still holds the lease; otherwise nothing is written. */
  cursor?: { name: string; position: number; owner: string };
}

/** One of a customer's events as segments read it. */
export interface CustomerEvent {
  customerId: string;
  event: string;
  properties: Record<string, unknown>;
  timestamp: number;
}

export interface MemberPage {
  members: { customerId: string; since: number }[];
  /** Pass back as `after` for the next page; null at the end. */
  next: string | null;
}

export interface SegmentStore {
  /** Inserts or replaces a definition, bumps its version and starts a re-evaluation of every customer. */
  saveSegment(segment: { workspaceId: string; definition: SegmentDefinition; now: number }): Promise<SegmentRecord>;
  getSegment(workspaceId: string, segmentId: string): Promise<SegmentRecord | undefined>;
  listSegments(workspaceId: string): Promise<SegmentRecord[]>;
  /** Every segment of every workspace: what the runtime evaluates. */
  allSegments(): Promise<SegmentRecord[]>;
  /** Removes the definition with its memberships and timers; false if there was none. */
  deleteSegment(workspaceId: string, segmentId: string): Promise<boolean>;

  segmentSize(workspaceId: string, segmentId: string): Promise<number>;
  /** Members in customer id order, after `after`. */
  listMembers(query: { workspaceId: string; segmentId: string; limit: number; after?: string }): Promise<MemberPage>;
  /** Memberships of these customers, in every segment: what journey conditions read. */
  membershipsOf(workspaceId: string, customerIds: readonly string[]): Promise<MembershipRecord[]>;
  /** Memberships and timers of these customers, in every segment. */
  stateOf(
    workspaceId: string,
    customerIds: readonly string[],
  ): Promise<{ memberships: MembershipRecord[]; timers: SegmentTimerRecord[] }>;

  /** Events of these customers with one of `names`, stamped after `since` (including any in the future). */
  customerEvents(query: {
    workspaceId: string;
    customerIds: readonly string[];
    names: readonly string[];
    since: number;
  }): Promise<CustomerEvent[]>;
  /** When each of these customers was created; one that does not exist is missing from the map. */
  createdAtOf(workspaceId: string, customerIds: readonly string[]): Promise<Map<string, number>>;
  /** Which of these customers absorbed another by a merge at or after `since`. */
  mergedSince(workspaceId: string, customerIds: readonly string[], since: number): Promise<string[]>;
  /** A workspace's customer ids after `after`, in order: the walk of a re-evaluation of every customer. */
  customerIdsAfter(workspaceId: string, after: string, limit: number): Promise<string[]>;

  /** Timers due at or before `now`, earliest first. */
  dueTimers(now: number, limit: number): Promise<SegmentTimerRecord[]>;

  applySegmentChange(change: SegmentChange): Promise<void>;
}
