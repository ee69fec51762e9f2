import type { Selectable } from 'kysely';
import type { SegmentDefinition } from '../segments/segment-schema.ts';
import type { SegmentRecord, SegmentTimerRecord } from './segment-store.ts';

/** The segment tables, part of `Database`; times are epoch milliseconds, JSON is stored as text. */
export interface SegmentTables {
  segments: {
    workspace_id: string;
    id: string;
    name: string;
    definition: string;
    version: number;
    backfill_after: string | null;
    created_at: number;
    updated_at: number;
  };
  segment_memberships: { workspace_id: string; segment_id: string; customer_id: string; since: number };
  segment_timers: { workspace_id: string; segment_id: string; customer_id: string; due_at: number };
}

export function segmentFromRow(row: Selectable<SegmentTables['segments']>): SegmentRecord {
  return {
    workspaceId: row.workspace_id,
    id: row.id,
    name: row.name,
    definition: JSON.parse(row.definition) as SegmentDefinition,
    version: Number(row.version),
    backfillAfter: row.backfill_after,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export function segmentTimerFromRow(row: Selectable<SegmentTables['segment_timers']>): SegmentTimerRecord {
  return {
    workspaceId: row.workspace_id,
    segmentId: row.segment_id,
    customerId: row.customer_id,
    dueAt: Number(row.due_at),
  };
}
