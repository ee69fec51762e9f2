/** The part of the storage port that keeps the suppression list: addresses never to send to again. */

/**
 * Why an address is on the list: it bounced for good, its owner marked a message as spam, its soft
 * bounces ran in a row past the limit, a person added it, or a sender Godwit did not know yet texted
 * STOP (a known customer's STOP withdraws their consent instead).
 */
export const SUPPRESSION_REASONS = ['hard_bounce', 'complaint', 'soft_bounces', 'manual', 'opt_out'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export interface SuppressionRecord {
  workspaceId: string;
  channel: string;
  /** Normalised (see `suppressionAddress`). */
  address: string;
  reason: SuppressionReason;
  /** The outbox key of the message that bounced or was complained about. */
  sourceMessage: string | null;
  /** The provider's words: status, error code and message, diagnostic. */
  detail: Record<string, unknown>;
  createdAt: number;
}

export interface SuppressionAddress {
  channel: string;
  address: string;
}

export interface SuppressionStore {
  /** Adds what is not on the list yet (an address keeps its first reason); returns how many were new. */
  add(records: readonly SuppressionRecord[]): Promise<number>;
  /** False when the address was not on the list. */
  remove(workspaceId: string, entry: SuppressionAddress): Promise<boolean>;
  /** The entries of these addresses that are on the list. */
  find(workspaceId: string, entries: readonly SuppressionAddress[]): Promise<SuppressionRecord[]>;
  /** Newest first, then by address and channel; `before` is the last one of the previous page. */
  list(query: {
    workspaceId: string;
    channel?: string;
    limit: number;
    before?: { createdAt: number; address: string; channel: string };
  }): Promise<SuppressionRecord[]>;
}
