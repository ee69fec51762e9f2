import type { SuppressionRecord } from './suppression-store.ts';

/** The suppression and subscription-group tables, part of `Database`; times are epoch milliseconds. */
export interface SuppressionTables {
  suppressions: {
    workspace_id: string;
    channel: string;
    address: string;
    reason: string;
    source_message: string | null;
    detail: string;
    created_at: number;
  };
  subscription_groups: {
    workspace_id: string;
    id: string;
    name: string;
    description: string;
    channels: string;
    created_at: number;
    updated_at: number;
  };
}

export function suppressionToRow(record: SuppressionRecord): SuppressionTables['suppressions'] {
  return {
    workspace_id: record.workspaceId,
    channel: record.channel,
    address: record.address,
    reason: record.reason,
    source_message: record.sourceMessage,
    detail: JSON.stringify(record.detail),
    created_at: record.createdAt,
  };
}

export function suppressionFromRow(row: SuppressionTables['suppressions']): SuppressionRecord {
  return {
    workspaceId: row.workspace_id,
    channel: row.channel,
    address: row.address,
    reason: row.reason as SuppressionRecord['reason'],
    sourceMessage: row.source_message,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    createdAt: Number(row.created_at),
  };
}
