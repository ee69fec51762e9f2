import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { SubscriptionGroupRecord, SubscriptionGroupStore } from './subscription-group-store.ts';
import type { SuppressionTables } from './suppression-rows.ts';

export class KyselySubscriptionGroupStore implements SubscriptionGroupStore {
  constructor(private readonly db: Kysely<Database>) {}

  async list(workspaceId: string): Promise<SubscriptionGroupRecord[]> {
    const rows = await this.db
      .selectFrom('subscription_groups')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('id')
      .execute();
    return rows.map(groupFromRow);
  }

  async get(workspaceId: string, id: string): Promise<SubscriptionGroupRecord | undefined> {
    const row = await this.db
      .selectFrom('subscription_groups')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && groupFromRow(row);
  }

  async put(group: SubscriptionGroupRecord): Promise<SubscriptionGroupRecord> {
    const row = {
      workspace_id: group.workspaceId,
      id: group.id,
      name: group.name,
      description: group.description,
      channels: JSON.stringify(group.channels),
      created_at: group.createdAt,
      updated_at: group.updatedAt,
    };
    await this.db
      .insertInto('subscription_groups')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'id']).doUpdateSet({
          name: row.name,
          description: row.description,
          channels: row.channels,
          updated_at: row.updated_at,
        }),
      )
      .execute();
    return (await this.get(group.workspaceId, group.id)) ?? group;
  }

  async remove(workspaceId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('subscription_groups')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function groupFromRow(row: SuppressionTables['subscription_groups']): SubscriptionGroupRecord {
  return {
    workspaceId: row.workspace_id,
    id: row.id,
    name: row.name,
    description: row.description,
    channels: JSON.parse(row.channels) as string[],
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
