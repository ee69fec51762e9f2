/** The part of the storage port that channels use: encrypted workspace secrets and waiting in-app messages. */

export interface InAppMessageRecord {
  workspaceId: string;
  /** The outbox key. */
  id: string;
  customerId: string;
  /** The rendered InAppContent as JSON text. */
  content: string;
  createdAt: number;
  deliveredAt: number | null;
}

export interface ChannelStore {
  /** The stored ciphertext, never decrypted here. */
  getSecret(workspaceId: string, name: string): Promise<string | undefined>;
  putSecret(secret: { workspaceId: string; name: string; ciphertext: string; now: number }): Promise<void>;
  /** Stores `ciphertext` unless the name already has one; returns the one that is stored. */
  putSecretIfAbsent(secret: { workspaceId: string; name: string; ciphertext: string; now: number }): Promise<string>;
  listSecretNames(workspaceId: string): Promise<string[]>;
  /** False when a message with this id is already stored (a repeated send). */
  addInAppMessage(message: InAppMessageRecord): Promise<boolean>;
  undeliveredInAppMessages(workspaceId: string, customerIds: readonly string[]): Promise<InAppMessageRecord[]>;
  markInAppDelivered(workspaceId: string, ids: readonly string[], at: number): Promise<void>;
}
