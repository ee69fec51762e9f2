/** The shapes of the API answers the console reads (the server's routes are the source of truth). */

export interface ConsoleUser {
  id: string;
  workspaceId: string;
  email: string;
  role: string;
  locale: string | null;
  createdAt: number;
}

export interface Profile {
  id: string;
  traits: Record<string, unknown>;
  consent: Record<string, Record<string, { status: 'granted' | 'denied'; at: number; source: string }>>;
  timezone: string | null;
  locale: string | null;
  createdAt: number;
  updatedAt: number;
}

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

/** One step of a run's path: a node entered or left, with the branch taken and why. */
export interface PathStep {
  at: number;
  nodeId: string | null;
  kind: string;
  branch?: string;
  reason?: string;
}

export interface Run {
  runId: string;
  journeyId: string;
  version: number;
  status: string;
  outcome: string | null;
  nodeId: string | null;
  startedAt: number;
  updatedAt: number;
  path: PathStep[];
}

export interface JourneySummary {
  id: string;
  name: string;
  status: string;
  latestVersion: number;
  createdAt: number;
  updatedAt: number;
}

export interface JourneyStats {
  runs: { started: number; waiting: number; completed: number; converted: number; exited: number; errored: number };
  nodes: Record<
    string,
    {
      entered: number;
      waiting: number;
      completed: number;
      errored: number;
      converted: number;
      exited: number;
      branches: Record<string, { taken: number; converted: number }>;
    }
  >;
}

/** A message as the messages API lists it (times as ISO text). */
export interface Message {
  key: string;
  status: string;
  channel: string | null;
  kind: string;
  customerId: string;
  journeyId: string | null;
  nodeId: string | null;
  template: string | null;
  address: string | null;
  attempts: number;
  provider: string | null;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  nextAttemptAt: string | null;
}

export interface MessageDetail extends Message {
  content: Record<string, unknown> | null;
  payload: unknown;
  events: { id: string; kind: string; at: number; detail: Record<string, unknown> }[];
}
