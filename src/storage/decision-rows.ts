/** The decision engine's tables (migration 011). */
export interface DecisionTables {
  policies: { workspace_id: string; policy: string; updated_at: number };
  engagement_counts: {
    workspace_id: string;
    customer_id: string;
    channel: string;
    hour_of_week: number;
    sends: number;
    responses: number;
  };
  engagement_responses: { workspace_id: string; idempotency_key: string; at: number };
}
