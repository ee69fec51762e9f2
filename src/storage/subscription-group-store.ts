/** The part of the storage port that keeps a workspace's subscription groups. */

/**
 * A named consent topic a workspace offers (`newsletter`, `product-updates`) on some channels. The
 * customer's choice for it is ordinary consent under the topic `id` (see profiles/consent-status.ts).
 */
export interface SubscriptionGroupRecord {
  workspaceId: string;
  /** The consent topic. */
  id: string;
  name: string;
  description: string;
  channels: string[];
  createdAt: number;
  updatedAt: number;
}

export interface SubscriptionGroupStore {
  /** In id order. */
  list(workspaceId: string): Promise<SubscriptionGroupRecord[]>;
  get(workspaceId: string, id: string): Promise<SubscriptionGroupRecord | undefined>;
  /** Creates or replaces; a replaced group keeps its `createdAt`. */
  put(group: SubscriptionGroupRecord): Promise<SubscriptionGroupRecord>;
  /** False when there was none. */
  remove(workspaceId: string, id: string): Promise<boolean>;
}
