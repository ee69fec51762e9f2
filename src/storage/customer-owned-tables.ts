/**
 * Tables whose rows belong to one customer through a `customer_id` column (besides events,
 * identities and audit, which have their own rules): a merge moves them, an erasure deletes them.
 */
export const CUSTOMER_OWNED_TABLES = [
  'delivery_events',
  'in_app_messages',
  'journey_runs',
  'journey_timers',
  'journey_trigger_timers',
  'outbox',
  'segment_memberships',
  'segment_timers',
] as const;
