/** The channel tables, part of `Database`; times are epoch milliseconds. */
export interface ChannelTables {
  workspace_secrets: { workspace_id: string; name: string; ciphertext: string; created_at: number; updated_at: number };
  in_app_messages: {
    workspace_id: string;
    id: string;
    customer_id: string;
    content: string;
    created_at: number;
    delivered_at: number | null;
  };
}
