import type { MessageRecord } from '../../storage/delivery-store.ts';
import type { SuppressionReason, SuppressionRecord } from '../../storage/suppression-store.ts';
import { suppressionAddress } from './suppression-address.ts';

/** The suppression entry a bounce or complaint about this message adds: its channel and address. */
export function messageSuppression(
  message: Pick<MessageRecord, 'workspaceId' | 'idempotencyKey' | 'channel' | 'payload'>,
  options: { reason: SuppressionReason; at: number; detail?: Record<string, unknown> },
): SuppressionRecord | undefined {
  const { channel } = message;
  const raw = message.payload.address;
  const address = channel && typeof raw === 'string' ? suppressionAddress(channel, raw) : undefined;
  if (!channel || !address) return undefined;
  return {
    workspaceId: message.workspaceId,
    channel,
    address,
    reason: options.reason,
    sourceMessage: message.idempotencyKey,
    detail: options.detail ?? {},
    createdAt: options.at,
  };
}
