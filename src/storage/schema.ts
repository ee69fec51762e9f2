import type { Generated } from 'kysely';
import type { ChannelTables } from './channel-rows.ts';
import type { DecisionTables } from './decision-rows.ts';
import type { DeliveryTables } from './delivery-rows.ts';
import type { SegmentTables } from './segment-rows.ts';
import type { SuppressionTables } from './suppression-rows.ts';

/** Table shapes shared by every adapter. Times are epoch milliseconds; JSON is stored as text. */
export interface Database extends ChannelTables, SegmentTables, DeliveryTables, SuppressionTables, DecisionTables {
  workspaces: { id: string; name: string; created_at: number };
  api_keys: {
    id: string;
    workspace_id: string;
    kind: string;
    key_hash: string;
    label: string | null;
    created_at: number;
  };
  users: {
    id: string;
    workspace_id: string;
    email: string;
    password_hash: string;
    role: string;
    created_at: number;
    /** The console language the admin chose (migration 009); null follows the browser. */
    locale: string | null;
  };
  console_sessions: {
    token_hash: string;
    csrf_hash: string;
    user_id: string;
    workspace_id: string;
    created_at: number;
    expires_at: number;
  };
  customers: {
    id: string;
    workspace_id: string;
    traits: string;
    trait_times: string;
    consent: string;
    timezone: string | null;
    locale: string | null;
    created_at: number;
    updated_at: number;
  };
  identities: {
    workspace_id: string;
    value: string;
    kind: string;
    customer_id: string;
    created_at: number;
  };
  events: {
    seq: Generated<number>;
    workspace_id: string;
    message_id: string;
    type: string;
    event: string | null;
    user_id: string | null;
    anonymous_id: string | null;
    customer_id: string | null;
    timestamp: number;
    received_at: number;
    payload: string;
  };
  identity_audit: {
    id: string;
    workspace_id: string;
    action: string;
    from_customer_id: string;
    into_customer_id: string;
    reason: string;
    created_at: number;
  };
  cursors: { name: string; position: number; owner: string | null; lease_until: number };
  journeys: {
    workspace_id: string;
    id: string;
    name: string;
    status: string;
    latest_version: number;
    created_at: number;
    updated_at: number;
  };
  journey_versions: {
    workspace_id: string;
    journey_id: string;
    version: number;
    definition: string;
    created_at: number;
  };
  journey_runs: {
    id: string;
    workspace_id: string;
    journey_id: string;
    version: number;
    customer_id: string;
    status: string;
    outcome: string | null;
    node_id: string | null;
    started_at: number;
    updated_at: number;
    state: string;
    path: string;
  };
  journey_timers: { id: string; workspace_id: string; run_id: string; customer_id: string; due_at: number };
  journey_trigger_timers: {
    workspace_id: string;
    journey_id: string;
    customer_id: string | null;
    kind: string;
    plan: string;
    due_at: number | null;
    since: number | null;
    after: string;
  };
  journey_node_counts: {
    workspace_id: string;
    journey_id: string;
    version: number;
    node_id: string;
    kind: string;
    branch: string;
    count: number;
  };
  outbox: {
    workspace_id: string;
    idempotency_key: string;
    customer_id: string;
    run_id: string | null;
    journey_id: string | null;
    node_id: string | null;
    kind: string;
    channel: string | null;
    status: string;
    payload: string;
    created_at: number;
    updated_at: number;
    /** Delivery's columns (migration 005); they have defaults, so journeys insert without them. */
    attempts: Generated<number>;
    next_attempt_at: Generated<number>;
    claimed_by: string | null;
    claimed_until: number | null;
    provider: string | null;
    provider_message_id: string | null;
    last_error: string | null;
    sent_at: number | null;
    content: string | null;
    /** The message's class (migration 011): frequency caps count by it. Null for webhooks and older rows. */
    message_class: string | null;
  };
}
