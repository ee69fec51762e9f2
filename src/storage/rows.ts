import type { Selectable } from 'kysely';
import { parseJsonObject } from '../shared/json.ts';
import type { Database } from './schema.ts';
import type { AuditRecord, IdentityKind, IdentityRecord, ProfileRecord, StoredEvent } from './store.ts';

/** Converts between table rows and the port's records, so no adapter leaks its row shapes. */

export function profileFromRow(row: Selectable<Database['customers']>): ProfileRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    traits: parseJsonObject(row.traits),
    traitTimes: parseJsonObject(row.trait_times) as ProfileRecord['traitTimes'],
    consent: parseJsonObject(row.consent) as ProfileRecord['consent'],
    timezone: row.timezone,
    locale: row.locale,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export function profileToRow(profile: ProfileRecord): Selectable<Database['customers']> {
  return {
    id: profile.id,
    workspace_id: profile.workspaceId,
    traits: JSON.stringify(profile.traits),
    trait_times: JSON.stringify(profile.traitTimes),
    consent: JSON.stringify(profile.consent),
    timezone: profile.timezone,
    locale: profile.locale,
    created_at: profile.createdAt,
    updated_at: profile.updatedAt,
  };
}

export function identityFromRow(row: Selectable<Database['identities']>): IdentityRecord {
  return { kind: row.kind as IdentityKind, value: row.value, customerId: row.customer_id };
}

export function eventFromRow(row: Selectable<Database['events']>): StoredEvent {
  return {
    seq: Number(row.seq),
    workspaceId: row.workspace_id,
    messageId: row.message_id,
    type: row.type,
    event: row.event,
    userId: row.user_id,
    anonymousId: row.anonymous_id,
    customerId: row.customer_id,
    timestamp: Number(row.timestamp),
    receivedAt: Number(row.received_at),
    payload: row.payload,
  };
}

export function auditFromRow(row: Selectable<Database['identity_audit']>): AuditRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    action: row.action as AuditRecord['action'],
    fromCustomerId: row.from_customer_id,
    intoCustomerId: row.into_customer_id,
    reason: row.reason,
    createdAt: Number(row.created_at),
  };
}

export function auditToRow(record: AuditRecord): Selectable<Database['identity_audit']> {
  return {
    id: record.id,
    workspace_id: record.workspaceId,
    action: record.action,
    from_customer_id: record.fromCustomerId,
    into_customer_id: record.intoCustomerId,
    reason: record.reason,
    created_at: record.createdAt,
  };
}

/** Timeline cursors are opaque to callers: "<timestamp>.<seq>" in base64url. */
export function encodeTimelineCursor(event: Pick<StoredEvent, 'timestamp' | 'seq'>): string {
  return Buffer.from(`${event.timestamp}.${event.seq}`).toString('base64url');
}

export function decodeTimelineCursor(cursor: string): { timestamp: number; seq: number } | undefined {
  const [timestamp, seq] = Buffer.from(cursor, 'base64url').toString().split('.').map(Number);
  if (!Number.isFinite(timestamp) || !Number.isFinite(seq)) return undefined;
  return { timestamp: timestamp as number, seq: seq as number };
}
