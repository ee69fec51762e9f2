/** The part of the storage port the console's overview reads: aggregates over a time window. */

export interface DailyActivity {
  /** Start of the UTC day, epoch milliseconds. */
  day: number;
  events: number;
  /** Distinct customers with an event that day. */
  customers: number;
}

export interface MessageCount {
  channel: string | null;
  status: string;
  count: number;
}

export interface OverviewStore {
  /** Events and active customers per UTC day since `since` (event time), oldest first; days without events are left out. */
  dailyActivity(workspaceId: string, since: number): Promise<DailyActivity[]>;
  /** Outbox messages created since `since`, per channel and status. */
  messageCounts(workspaceId: string, since: number): Promise<MessageCount[]>;
  /** Per delivery event kind (delivered, opened, clicked …), how many distinct messages had one since `since`. */
  deliveryEventCounts(workspaceId: string, since: number): Promise<Record<string, number>>;
}
