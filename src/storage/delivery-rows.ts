import type { Selectable } from 'kysely';
import type { DeliveryEventKind, DeliveryEventRecord, MessageRecord } from './delivery-store.ts';
import { outboxFromRow } from './journey-rows.ts';
import type { Database } from './schema.ts';

/** The delivery tables, part of `Database` (the outbox's delivery columns are declared with the outbox). */
export interface DeliveryTables {
  delivery_events: {
    id: string;
    workspace_id: string;
    customer_id: string;
    idempotency_key: string;
    kind: string;
    at: number;
    detail: string;
  };
  channel_health: {
    channel: string;
    provider: string;
    unhealthy_until: number;
    reason: string;
    updated_at: number;
  };
}

export function messageFromRow(row: Selectable<Database['outbox']>): MessageRecord {
  return {
    ...outboxFromRow(row),
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    provider: row.provider,
    providerMessageId: row.provider_message_id,
    lastError: row.last_error,
    sentAt: row.sent_at === null ? null : Number(row.sent_at),
    content: row.content === null ? null : JSON.parse(row.content),
  };
}

export function deliveryEventToRow(event: DeliveryEventRecord): Selectable<Database['delivery_events']> {
  return {
    id: event.id,
    workspace_id: event.workspaceId,
    customer_id: event.customerId,
    idempotency_key: event.idempotencyKey,
    kind: event.kind,
    at: event.at,
    detail: JSON.stringify(event.detail),
  };
}

export function deliveryEventFromRow(row: Selectable<Database['delivery_events']>): DeliveryEventRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    customerId: row.customer_id,
    idempotencyKey: row.idempotency_key,
    kind: row.kind as DeliveryEventKind,
    at: Number(row.at),
    detail: JSON.parse(row.detail),
  };
}
