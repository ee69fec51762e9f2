import type { Clock } from '../../shared/clock.ts';
import { notFound } from '../../shared/errors.ts';
import type { Store } from '../../storage/store.ts';
import type { SubscriptionGroupRecord } from '../../storage/subscription-group-store.ts';

export interface SubscriptionGroupView {
  id: string;
  name: string;
  description: string;
  channels: string[];
  createdAt: string;
  updatedAt: string;
}

/** A workspace's subscription groups for the API and the preferences page. */
export class SubscriptionGroupService {
  constructor(private readonly options: { store: Store; clock: Clock }) {}

  async list(workspaceId: string): Promise<SubscriptionGroupRecord[]> {
    return this.options.store.subscriptionGroups.list(workspaceId);
  }

  /** Creates or replaces the group `id`; `created` says which. */
  async put(
    workspaceId: string,
    id: string,
    input: { name: string; description?: string; channels: string[] },
  ): Promise<{ group: SubscriptionGroupView; created: boolean }> {
    const { store, clock } = this.options;
    const existing = await store.subscriptionGroups.get(workspaceId, id);
    const now = clock.now();
    const group = await store.subscriptionGroups.put({
      workspaceId,
      id,
      name: input.name,
      description: input.description ?? '',
      channels: [...new Set(input.channels)],
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    });
    return { group: viewOf(group), created: !existing };
  }

  /** Customers' choices for the topic stay in their consent: defining the group again brings them back. */
  async remove(workspaceId: string, id: string): Promise<void> {
    if (!(await this.options.store.subscriptionGroups.remove(workspaceId, id))) {
      throw notFound(`no subscription group ${id}`);
    }
  }
}

export function viewOf(group: SubscriptionGroupRecord): SubscriptionGroupView {
  const { id, name, description, channels, createdAt, updatedAt } = group;
  return {
    id,
    name,
    description,
    channels,
    createdAt: new Date(createdAt).toISOString(),
    updatedAt: new Date(updatedAt).toISOString(),
  };
}
